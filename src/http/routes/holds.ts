// The hot path. Handlers do no more than call the use case and pick a status; validation and serialisation
// are Fastify's compiled schemas.
import type { FastifyInstance } from 'fastify';
import { HOLD_BODY_BYTES_MAX } from '../../domain/limits.js';
import type { HoldRequest } from '../../domain/types.js';
import type { AppDeps } from '../app.js';
import { sendError, sendRejection } from '../error-handler.js';
import {
  errors,
  eventParams,
  holdBody,
  holdParams,
  holdView,
  idempotencyHeaders,
  orderView,
} from '../schemas.js';
import { holdJson, orderJson } from '../views.js';

interface PlaceRoute {
  Params: { eventId: string };
  Body: HoldRequest;
  Headers: { 'idempotency-key'?: string };
}

/** Route options shared by the two placements: same body, headers and refusals; different answers. */
function placement(summary: string, tag: string, view: typeof holdView | typeof orderView) {
  return {
    bodyLimit: HOLD_BODY_BYTES_MAX,
    schema: {
      summary,
      tags: [tag],
      params: eventParams,
      headers: idempotencyHeaders,
      body: holdBody,
      response: { 200: view, 201: view, ...errors(400, 404, 409, 413, 422, 503) },
    },
  };
}

export function registerHoldRoutes(app: FastifyInstance, { reservations }: AppDeps): void {
  app.post<PlaceRoute>(
    '/v1/events/:eventId/holds',
    placement('Hold seats or counted stock until the event’s hold TTL passes.', 'holds', holdView),
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
    placement('Hold and confirm in one atomic step ("book now").', 'orders', orderView),
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
      schema: {
        summary: 'A hold and its status.',
        tags: ['holds'],
        params: holdParams,
        response: { 200: holdView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const hold = await reservations.getHold(request.params.holdId);
      if (hold === undefined) return sendError(reply, 'hold_not_found');
      return holdJson(hold);
    },
  );

  app.post<{ Params: { holdId: string } }>(
    '/v1/holds/:holdId/confirm',
    {
      schema: {
        summary:
          'Turn a live hold into an order with tickets. Confirming twice returns the same order (200).',
        tags: ['holds'],
        params: holdParams,
        response: { 200: orderView, 201: orderView, ...errors(400, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const result = await reservations.confirmHold(request.params.holdId);
      if ('code' in result) return sendRejection(reply, result);
      return reply.code(result.created ? 201 : 200).send(orderJson(result.order));
    },
  );

  app.delete<{ Params: { holdId: string } }>(
    '/v1/holds/:holdId',
    {
      schema: {
        summary: 'Release a live hold; its seats return to sale at once. Releasing twice answers the same.',
        tags: ['holds'],
        params: holdParams,
        response: { 200: holdView, ...errors(400, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const result = await reservations.releaseHold(request.params.holdId);
      if ('code' in result) return sendRejection(reply, result);
      return holdJson(result);
    },
  );
}
