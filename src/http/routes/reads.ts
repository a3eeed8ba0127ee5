// The read side: answered by the store (in the distributed shape it may lag the gate by the projection delay).
import type { FastifyInstance } from 'fastify';
import { PAGE_SIZE_MAX } from '../../domain/limits.js';
import type { AppDeps } from '../app.js';
import { sendError } from '../error-handler.js';
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

export function registerReadRoutes(app: FastifyInstance, { gate, store }: AppDeps): void {
  app.get<{ Params: { orderId: string } }>(
    '/v1/orders/:orderId',
    {
      schema: {
        summary: 'An order with its tickets.',
        tags: ['orders'],
        params: orderParams,
        response: { 200: orderView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const order = await store.getOrder(request.params.orderId);
      return order === undefined ? sendError(reply, 'order_not_found') : orderJson(order);
    },
  );

  app.get<{ Params: { ticketId: string } }>(
    '/v1/tickets/:ticketId',
    {
      schema: {
        summary: 'One ticket.',
        tags: ['orders'],
        params: ticketParams,
        response: { 200: ticketView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const ticket = await store.getTicket(request.params.ticketId);
      return ticket === undefined ? sendError(reply, 'ticket_not_found') : ticket;
    },
  );

  app.get<{ Params: { eventId: string }; Querystring: { limit?: string; cursor?: string } }>(
    '/v1/events/:eventId/tickets',
    {
      schema: {
        summary: 'Tickets of an event, paginated by `cursor` (the `nextCursor` of the previous page).',
        tags: ['orders'],
        params: eventParams,
        querystring: pageQuery,
        response: { 200: ticketList, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const limit = pageSize(request.query.limit);
      if (limit === undefined)
        return sendError(reply, 'invalid_request', `limit must be from 1 to ${PAGE_SIZE_MAX}.`);
      if ((await gate.eventState(request.params.eventId)) === undefined)
        return sendError(reply, 'event_not_found');
      const page = await store.listTickets(request.params.eventId, limit, request.query.cursor);
      return { tickets: page.items, nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { eventId: string } }>(
    '/v1/events/:eventId/stats',
    {
      schema: {
        summary: 'Counts and revenue of an event, from the store.',
        tags: ['events'],
        params: eventParams,
        response: { 200: statsView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const stats = await store.eventStats(request.params.eventId);
      return stats === undefined
        ? sendError(reply, 'event_not_found')
        : { eventId: request.params.eventId, ...stats };
    },
  );

  app.get<{ Params: { venue: string } }>(
    '/v1/venues/:venue/revenue',
    {
      schema: {
        summary: 'Revenue per event of a venue.',
        tags: ['events'],
        params: venueParams,
        response: { 200: venueRevenueView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const events = await store.venueRevenue(request.params.venue);
      if (events.length === 0) return sendError(reply, 'venue_not_found');
      return {
        venue: request.params.venue,
        revenue: events.reduce((sum, event) => sum + event.revenue, 0),
        events,
      };
    },
  );
}
