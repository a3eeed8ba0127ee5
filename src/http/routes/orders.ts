// The order lifecycle after confirmation: cancellation by the box office (sales or admin). The decision is
// the gate's (atomic with its log entry); the order is read from the store.
import type { FastifyInstance } from 'fastify';
import { requireStaff, SECURITY } from '../access-hooks.js';
import { sendRejection } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import { errors, orderParams, orderView } from '../schemas.js';
import { orderJson } from '../views.js';

export function registerOrderRoutes(app: FastifyInstance, { reservations }: RouteDeps): void {
  app.post<{ Params: { orderId: string } }>(
    '/v1/orders/:orderId/cancel',
    {
      // Buyers never cancel: a refund is the platform's decision, made with the box office's credential.
      onRequest: requireStaff,
      schema: {
        summary:
          'Cancel an order (sales or admin): its tickets become void and its seats or stock go back on sale; ' +
          "the buyer may buy again up to the event's maxPerUser. Cancelling twice answers the same (200).",
        tags: ['orders'],
        security: SECURITY.staff,
        params: orderParams,
        response: { 200: orderView, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const result = await reservations.cancelOrder(request.params.orderId);
      if ('code' in result) return sendRejection(reply, result);
      return orderJson(result);
    },
  );
}
