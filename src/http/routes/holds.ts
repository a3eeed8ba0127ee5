// The hot path. Handlers do no more than call the use case and pick a status; validation and serialisation
// are Fastify's compiled schemas.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HOLD_BODY_BYTES_MAX, PAYMENT_BODY_BYTES_MAX } from '../../domain/limits.js';
import type { HoldRequest } from '../../domain/types.js';
import { buyerMustMatch, mayActFor, mustCheckOwner, requireActor, SECURITY } from '../access-hooks.js';
import { sendError, sendRejection } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import {
  confirmBody,
  errors,
  eventParams,
  extendBody,
  holdBody,
  holdParams,
  holdView,
  idempotencyHeaders,
  orderView,
} from '../schemas.js';
import { holdJson, orderJson } from '../views.js';
import { queuePassCheck } from './queue-pass-check.js';
import { soldOutEarly } from './sold-out-early.js';

interface ConfirmRoute {
  Params: { holdId: string };
  Body: { paymentReference?: string; amount?: number } | undefined;
}

/**
 * Confirm's body is optional: Fastify validates an absent body against the schema as `undefined`, which an
 * object schema refuses, so an absent body is read as an empty object first.
 */
async function emptyBodyIsNone(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

interface PlaceRoute {
  Params: { eventId: string };
  Body: HoldRequest;
  Headers: { 'idempotency-key'?: string };
}

/** Route options shared by the two placements: same body, headers and refusals; different answers. */
function placement(
  summary: string,
  tag: string,
  view: typeof holdView | typeof orderView,
  onRequest: ReturnType<typeof requireActor>,
  { reservations, queue }: Pick<RouteDeps, 'reservations' | 'queue'>,
  confirm: boolean,
) {
  return {
    bodyLimit: HOLD_BODY_BYTES_MAX,
    onRequest,
    // Before the rate limiter's own preValidation hook (installed after every route's, rate-limits.ts).
    preValidation: soldOutEarly(reservations, queue, confirm),
    preHandler: queue === undefined ? buyerMustMatch : [buyerMustMatch, queuePassCheck(queue)],
    schema: {
      summary,
      tags: [tag],
      security: SECURITY.actor,
      params: eventParams,
      headers: idempotencyHeaders,
      body: holdBody,
      response: { 200: view, 201: view, ...errors(400, 401, 403, 404, 409, 413, 422, 503) },
    },
  };
}

export function registerHoldRoutes(app: FastifyInstance, { reservations, access, queue }: RouteDeps): void {
  const actor = requireActor(access.mode);
  /** Verified mode: a buyer acts on its own holds only; another's hold is answered as if it did not exist. */
  const hiddenFrom = async (request: FastifyRequest<{ Params: { holdId: string } }>) => {
    if (!mustCheckOwner(access.mode, request.caller)) return false;
    const hold = await reservations.getHold(request.params.holdId);
    return hold !== undefined && !mayActFor(access.mode, request.caller, hold.userId);
  };
  app.post<PlaceRoute>(
    '/v1/events/:eventId/holds',
    placement(
      'Hold seats or counted stock until the event’s hold TTL passes.',
      'holds',
      holdView,
      actor,
      { reservations, queue },
      false,
    ),
    async (request, reply) => {
      const result = await reservations.placeHold(
        request.params.eventId,
        request.body,
        request.headers['idempotency-key'],
        false,
      );
      if ('code' in result) return sendRejection(reply, result);
      return reply.code(result.created ? 201 : 200).send(holdJson(result.hold));
    },
  );

  app.post<PlaceRoute>(
    '/v1/events/:eventId/orders',
    placement(
      'Hold and confirm in one atomic step ("book now").',
      'orders',
      orderView,
      actor,
      { reservations, queue },
      true,
    ),
    async (request, reply) => {
      const result = await reservations.placeHold(
        request.params.eventId,
        request.body,
        request.headers['idempotency-key'],
        true,
      );
      if ('code' in result) return sendRejection(reply, result);
      if (result.order === undefined)
        return sendError(reply, 'idempotency_key_reused', 'This Idempotency-Key names a hold, not an order.');
      return reply.code(result.created ? 201 : 200).send(orderJson(result.order));
    },
  );

  app.get<{ Params: { holdId: string } }>(
    '/v1/holds/:holdId',
    {
      onRequest: actor,
      schema: {
        summary: 'A hold and its status (verified mode: its buyer, sales or admin).',
        tags: ['holds'],
        security: SECURITY.actor,
        params: holdParams,
        response: { 200: holdView, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const hold = await reservations.getHold(request.params.holdId);
      if (hold === undefined || !mayActFor(access.mode, request.caller, hold.userId))
        return sendError(reply, 'hold_not_found');
      return holdJson(hold);
    },
  );

  app.post<ConfirmRoute>(
    '/v1/holds/:holdId/confirm',
    {
      onRequest: actor,
      // No body, or an empty one, confirms without payment details.
      preValidation: emptyBodyIsNone,
      bodyLimit: PAYMENT_BODY_BYTES_MAX,
      schema: {
        summary:
          'Turn a hold into an order with tickets, with the payment reference and amount if given (verified mode: its buyer, sales or admin). A hold that expired is confirmed late (`late: true`) if its seats or stock are still free, else 409 hold_expired with reason stock_taken. Confirming twice returns the same order (200), unchanged whatever reference the second confirm gives.',
        tags: ['holds'],
        security: SECURITY.actor,
        params: holdParams,
        body: confirmBody,
        response: { 200: orderView, 201: orderView, ...errors(400, 401, 404, 409, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      if (await hiddenFrom(request)) return sendError(reply, 'hold_not_found');
      const { paymentReference, amount } = request.body ?? {};
      const result = await reservations.confirmHold(request.params.holdId, {
        reference: paymentReference,
        amount,
      });
      if ('code' in result) return sendRejection(reply, result);
      return reply.code(result.created ? 201 : 200).send(orderJson(result.order));
    },
  );

  app.post<{ Params: { holdId: string }; Body: { seconds: number } }>(
    '/v1/holds/:holdId/extend',
    {
      onRequest: actor,
      bodyLimit: PAYMENT_BODY_BYTES_MAX,
      schema: {
        summary:
          "Keep a live hold longer while its payment is authorised: it then expires `seconds` from now, never earlier than it would, and at most the event's maxHoldSeconds after placement (409 hold_extension_limit, nothing changed). Verified mode: its buyer, sales or admin.",
        tags: ['holds'],
        security: SECURITY.actor,
        params: holdParams,
        body: extendBody,
        response: { 200: holdView, ...errors(400, 401, 404, 409, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      if (await hiddenFrom(request)) return sendError(reply, 'hold_not_found');
      const result = await reservations.extendHold(request.params.holdId, request.body.seconds);
      if ('code' in result) return sendRejection(reply, result);
      return holdJson(result);
    },
  );

  app.delete<{ Params: { holdId: string } }>(
    '/v1/holds/:holdId',
    {
      onRequest: actor,
      schema: {
        summary: 'Release a live hold; its seats return to sale at once. Releasing twice answers the same.',
        tags: ['holds'],
        security: SECURITY.actor,
        params: holdParams,
        response: { 200: holdView, ...errors(400, 401, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      if (await hiddenFrom(request)) return sendError(reply, 'hold_not_found');
      const result = await reservations.releaseHold(request.params.holdId);
      if ('code' in result) return sendRejection(reply, result);
      return holdJson(result);
    },
  );
}
