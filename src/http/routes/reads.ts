// The read side (service/reads.ts): answered by the store, which in the distributed shape may lag the gate.
import type { FastifyInstance } from 'fastify';
import { isStaff } from '../../auth/caller.js';
import { PAGE_SIZE_MAX } from '../../domain/limits.js';
import { mayActFor, requireActor, requireStaff, SECURITY } from '../access-hooks.js';
import { sendError } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import {
  errors,
  eventParams,
  orderParams,
  orderView,
  pageQuery,
  statsView,
  ticketList,
  ticketParams,
  ticketView,
  venueParams,
  venueRevenueView,
} from '../schemas.js';
import { orderJson } from '../views.js';
import { pageSize } from './events.js';

export function registerReadRoutes(app: FastifyInstance, { reads, access }: RouteDeps): void {
  const actor = requireActor(access.mode);
  app.get<{ Params: { orderId: string } }>(
    '/v1/orders/:orderId',
    {
      onRequest: actor,
      schema: {
        summary: 'An order with its tickets (verified mode: its buyer, sales or admin).',
        tags: ['orders'],
        security: SECURITY.actor,
        params: orderParams,
        response: { 200: orderView, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const order = await reads.order(request.params.orderId);
      return order === undefined || !mayActFor(access.mode, request.caller, order.userId)
        ? sendError(reply, 'order_not_found')
        : orderJson(order);
    },
  );

  app.get<{ Params: { ticketId: string } }>(
    '/v1/tickets/:ticketId',
    {
      onRequest: actor,
      schema: {
        summary: 'One ticket (verified mode: its buyer, sales or admin).',
        tags: ['orders'],
        security: SECURITY.actor,
        params: ticketParams,
        response: { 200: ticketView, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const ticket = await reads.ticket(request.params.ticketId);
      return ticket === undefined || !mayActFor(access.mode, request.caller, ticket.userId)
        ? sendError(reply, 'ticket_not_found')
        : ticket;
    },
  );

  app.get<{ Params: { eventId: string }; Querystring: { limit?: string; cursor?: string } }>(
    '/v1/events/:eventId/tickets',
    {
      onRequest: requireStaff,
      schema: {
        summary:
          'Tickets of an event with their buyers, paginated by `cursor` (the `nextCursor` of the previous page); sales or admin.',
        tags: ['orders'],
        security: SECURITY.staff,
        params: eventParams,
        querystring: pageQuery,
        response: { 200: ticketList, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const limit = pageSize(request.query.limit);
      if (limit === undefined)
        return sendError(reply, 'invalid_request', `limit must be from 1 to ${PAGE_SIZE_MAX}.`);
      const page = await reads.eventTickets(request.params.eventId, limit, request.query.cursor);
      if (page === undefined) return sendError(reply, 'event_not_found');
      return { tickets: page.items, nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { eventId: string } }>(
    '/v1/events/:eventId/stats',
    {
      schema: {
        summary:
          'Counts of an event, from the store; `revenue` and `orders` only for sales or admin credentials.',
        tags: ['events'],
        security: [...SECURITY.staff, {}],
        params: eventParams,
        response: { 200: statsView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const stats = await reads.eventStats(request.params.eventId);
      if (stats === undefined) return sendError(reply, 'event_not_found');
      if (isStaff(request.caller)) return { eventId: request.params.eventId, ...stats };
      const { revenue: _revenue, orders: _orders, ...counts } = stats;
      return { eventId: request.params.eventId, ...counts };
    },
  );

  app.get<{ Params: { venue: string } }>(
    '/v1/venues/:venue/revenue',
    {
      onRequest: requireStaff,
      schema: {
        summary: 'Revenue per event of a venue (sales or admin).',
        tags: ['events'],
        security: SECURITY.staff,
        params: venueParams,
        response: { 200: venueRevenueView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const events = await reads.venueRevenue(request.params.venue);
      if (events.length === 0) return sendError(reply, 'venue_not_found');
      return {
        venue: request.params.venue,
        revenue: events.reduce((sum, event) => sum + event.revenue, 0),
        events,
      };
    },
  );
}
