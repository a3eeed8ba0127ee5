// A buyer's own holds and orders across events: `/v1/me/...` for a buyer token, `/v1/buyers/:userId/orders`
// for sales and admin. From the store: in the distributed shape they may lag the gate by the projection.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PAGE_SIZE_MAX } from '../../domain/limits.js';
import { requireBuyer, requireStaff, SECURITY } from '../access-hooks.js';
import { sendError } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import { buyerParams, errors, holdList, orderList, pageQuery } from '../schemas.js';
import { holdJson, orderJson } from '../views.js';
import { pageSize } from './events.js';

interface PageRoute {
  Querystring: { limit?: string; cursor?: string };
}

export function registerBuyerRoutes(app: FastifyInstance, { reads }: RouteDeps): void {
  const ordersOf = async (
    userId: string,
    query: PageRoute['Querystring'],
    reply: FastifyReply,
  ): Promise<unknown> => {
    const limit = pageSize(query.limit);
    if (limit === undefined) return badLimit(reply);
    const page = await reads.buyerOrders(userId, limit, query.cursor);
    return { orders: page.items.map(orderJson), nextCursor: page.nextCursor };
  };

  app.get<PageRoute>(
    '/v1/me/holds',
    {
      onRequest: requireBuyer,
      schema: {
        summary: "The token's buyer's live holds across events, paginated by `cursor` (buyer token).",
        tags: ['buyers'],
        security: SECURITY.buyer,
        querystring: pageQuery,
        response: { 200: holdList, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const limit = pageSize(request.query.limit);
      if (limit === undefined) return badLimit(reply);
      const buyerId = request.caller.buyerId as string;
      const page = await reads.buyerHolds(buyerId, limit, request.query.cursor);
      return { holds: page.items.map(holdJson), nextCursor: page.nextCursor };
    },
  );

  app.get<PageRoute>(
    '/v1/me/orders',
    {
      onRequest: requireBuyer,
      schema: {
        summary: "The token's buyer's orders across events, paginated by `cursor` (buyer token).",
        tags: ['buyers'],
        security: SECURITY.buyer,
        querystring: pageQuery,
        response: { 200: orderList, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => ordersOf(request.caller.buyerId as string, request.query, reply),
  );

  app.get<PageRoute & { Params: { userId: string } }>(
    '/v1/buyers/:userId/orders',
    {
      onRequest: requireStaff,
      schema: {
        summary: "A buyer's orders across events, paginated by `cursor` (sales or admin).",
        tags: ['buyers'],
        security: SECURITY.staff,
        params: buyerParams,
        querystring: pageQuery,
        response: { 200: orderList, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => ordersOf(request.params.userId, request.query, reply),
  );
}

function badLimit(reply: FastifyReply): FastifyReply {
  return sendError(reply, 'invalid_request', `limit must be from 1 to ${PAGE_SIZE_MAX}.`);
}
