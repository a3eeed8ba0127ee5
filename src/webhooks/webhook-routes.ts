// Webhook endpoints (admin only): register (the signing secret is in that one answer), list, read, change,
// disable (PATCH enabled=false), delete, rotate the secret, and see and replay deliveries.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PAGE_SIZE_MAX } from '../domain/limits.js';
import { requireAdmin, SECURITY } from '../http/access-hooks.js';
import { sendError } from '../http/error-handler.js';
import { pageSize } from '../http/routes/events.js';
import { errors, pageQuery } from '../http/schemas.js';
import { ROTATION_OVERLAP_MS_DEFAULT, registerEndpoint, rotateEndpointSecret } from './endpoints.js';
import type { WebhookEventType } from './event-types.js';
import type { SecretBox } from './secret-box.js';
import { type UrlGuard, urlRefusal } from './ssrf-guard.js';
import {
  createdWebhookView,
  createWebhookBody,
  deliveriesQuery,
  deliveryList,
  REPLAY_MAX,
  replayBody,
  replayView,
  rotatedSecretView,
  rotateSecretBody,
  updateWebhookBody,
  webhookList,
  webhookParams,
  webhookView,
} from './webhook-schemas.js';
import type { Attempt, Delivery, Endpoint, EndpointChange, WebhookStore } from './webhook-store.js';

export interface WebhookRouteDeps {
  readonly store: WebhookStore;
  readonly secrets: SecretBox;
  readonly guard: UrlGuard;
  readonly clock?: () => number;
}

type Params = { webhookId: string };
const tags = ['webhooks'];
const security = SECURITY.admin;

export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  const { store, secrets, guard } = deps;
  const now = deps.clock ?? Date.now;

  app.post<{ Body: { url: string; events: WebhookEventType[]; description?: string } }>(
    '/v1/webhooks',
    {
      onRequest: requireAdmin,
      schema: {
        summary: 'Register a webhook endpoint (admin). Its signing secret is shown in this answer only.',
        tags,
        security,
        body: createWebhookBody,
        response: { 201: createdWebhookView, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const refusal = await urlRefusal(request.body.url, guard);
      if (refusal !== undefined) return sendError(reply, refusal.code, refusal.message);
      const { endpoint, secret } = await registerEndpoint(store, secrets, request.body, now());
      return reply.code(201).send({ ...webhookJson(endpoint), secret });
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/v1/webhooks',
    {
      onRequest: requireAdmin,
      schema: {
        summary: 'Webhook endpoints, without their secrets (admin).',
        tags,
        security,
        querystring: pageQuery,
        response: { 200: webhookList, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const limit = pageSize(request.query.limit);
      if (limit === undefined)
        return sendError(reply, 'invalid_request', `limit must be from 1 to ${PAGE_SIZE_MAX}.`);
      const page = await store.listEndpoints(limit, request.query.cursor);
      return { webhooks: page.items.map(webhookJson), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: Params }>(
    '/v1/webhooks/:webhookId',
    {
      onRequest: requireAdmin,
      schema: {
        summary: 'One webhook endpoint, without its secret (admin).',
        tags,
        security,
        params: webhookParams,
        response: { 200: webhookView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const endpoint = await store.getEndpoint(request.params.webhookId);
      return endpoint === undefined ? notFound(reply) : webhookJson(endpoint);
    },
  );

  app.patch<{ Params: Params; Body: EndpointChange }>(
    '/v1/webhooks/:webhookId',
    {
      onRequest: requireAdmin,
      schema: {
        summary:
          'Change a webhook endpoint (admin): url, events, description; `enabled: false` disables it, `true` enables it again.',
        tags,
        security,
        params: webhookParams,
        body: updateWebhookBody,
        response: { 200: webhookView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      if (request.body.url !== undefined) {
        const refusal = await urlRefusal(request.body.url, guard);
        if (refusal !== undefined) return sendError(reply, refusal.code, refusal.message);
      }
      const change = request.body.events
        ? { ...request.body, events: [...new Set(request.body.events)] }
        : request.body;
      const endpoint = await store.updateEndpoint(request.params.webhookId, change, now());
      return endpoint === undefined ? notFound(reply) : webhookJson(endpoint);
    },
  );

  app.delete<{ Params: Params }>(
    '/v1/webhooks/:webhookId',
    {
      onRequest: requireAdmin,
      schema: {
        summary: 'Delete a webhook endpoint with its deliveries (admin).',
        tags,
        security,
        params: webhookParams,
        response: { 204: { type: 'null' }, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      if (!(await store.deleteEndpoint(request.params.webhookId))) return notFound(reply);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Params; Body: { overlapSeconds?: number } | undefined }>(
    '/v1/webhooks/:webhookId/rotate-secret',
    {
      onRequest: requireAdmin,
      // The body is optional: an absent one is read as {} (an object schema refuses `undefined`).
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        summary:
          'A new signing secret (admin), shown in this answer only. The replaced one keeps signing beside it for the overlap, so every request carries both signatures until then.',
        tags,
        security,
        params: webhookParams,
        body: rotateSecretBody,
        response: { 200: rotatedSecretView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const overlapMs =
        request.body?.overlapSeconds === undefined
          ? ROTATION_OVERLAP_MS_DEFAULT
          : request.body.overlapSeconds * 1000;
      const at = now();
      const rotated = await rotateEndpointSecret(store, secrets, request.params.webhookId, overlapMs, at);
      if (rotated === undefined) return notFound(reply);
      return {
        id: rotated.endpoint.id,
        secret: rotated.secret,
        previousSecretExpiresAt: new Date(at + overlapMs).toISOString(),
      };
    },
  );

  app.get<{ Params: Params; Querystring: { limit?: string; cursor?: string } }>(
    '/v1/webhooks/:webhookId/deliveries',
    {
      onRequest: requireAdmin,
      schema: {
        summary: "A webhook endpoint's deliveries, newest first, each with its attempts (admin).",
        tags,
        security,
        params: webhookParams,
        querystring: deliveriesQuery,
        response: { 200: deliveryList, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const limit = pageSize(request.query.limit);
      if (limit === undefined)
        return sendError(reply, 'invalid_request', `limit must be from 1 to ${PAGE_SIZE_MAX}.`);
      if ((await store.getEndpoint(request.params.webhookId)) === undefined) return notFound(reply);
      const cursor = request.query.cursor === undefined ? undefined : seqOf(request.query.cursor);
      const page = await store.listDeliveries(request.params.webhookId, limit, cursor);
      return {
        deliveries: page.items.map(({ delivery, attempts }) => deliveryJson(delivery, attempts)),
        nextCursor: page.nextCursor === undefined ? undefined : deliveryIdOf(page.nextCursor),
      };
    },
  );

  app.post<{ Params: Params; Body: { deliveryId?: string; since?: string; until?: string } }>(
    '/v1/webhooks/:webhookId/replay',
    {
      onRequest: requireAdmin,
      schema: {
        summary: `Send deliveries again (admin), with their original webhook-id: one delivery, or those created in [since, until) (at most ${REPLAY_MAX}).`,
        tags,
        security,
        params: webhookParams,
        body: replayBody,
        response: { 202: replayView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { deliveryId, since, until } = request.body;
      const byId = deliveryId !== undefined && since === undefined && until === undefined;
      const byRange = deliveryId === undefined && since !== undefined && until !== undefined;
      if (!byId && !byRange)
        return sendError(reply, 'invalid_request', 'Give either deliveryId, or since and until.');
      if (byRange && Date.parse(since) >= Date.parse(until))
        return sendError(reply, 'invalid_request', 'since must be before until.');
      if ((await store.getEndpoint(request.params.webhookId)) === undefined) return notFound(reply);
      const which = byId
        ? { seq: seqOf(deliveryId) }
        : { fromMs: Date.parse(since as string), toMs: Date.parse(until as string) };
      const seqs = await store.replay(request.params.webhookId, which, now(), REPLAY_MAX);
      if (byId && seqs.length === 0) return sendError(reply, 'webhook_delivery_not_found');
      return reply.code(202).send({ deliveryIds: seqs.map(deliveryIdOf) });
    },
  );
}

function notFound(reply: FastifyReply): FastifyReply {
  return sendError(reply, 'webhook_not_found');
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function webhookJson(endpoint: Endpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    secretRotatedUntil:
      endpoint.previousUntilMs !== undefined && endpoint.previousUntilMs > Date.now()
        ? iso(endpoint.previousUntilMs)
        : undefined,
    createdAt: iso(endpoint.createdAtMs),
    updatedAt: iso(endpoint.updatedAtMs),
  };
}

function deliveryIdOf(seq: number): string {
  return `dlv_${seq}`;
}

function seqOf(deliveryId: string): number {
  return Number(deliveryId.slice('dlv_'.length));
}

function deliveryJson(delivery: Delivery, attempts: readonly Attempt[]) {
  return {
    id: deliveryIdOf(delivery.seq),
    messageId: delivery.messageId,
    type: delivery.type,
    eventId: delivery.eventId,
    status: delivery.status,
    replay: delivery.replay,
    createdAt: iso(delivery.createdAtMs),
    nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAtMs) : undefined,
    finishedAt: iso(delivery.finishedAtMs),
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      at: iso(a.startedAtMs),
      durationMs: a.durationMs,
      outcome: a.outcome,
      responseStatus: a.responseStatus,
      error: a.error,
    })),
  };
}
