// The seat map, three ways (docs/seat-map.md). Anyone may call them, like every read of an event.
// - GET /v1/events/:id/seat-layout: sections, rows and seat order; never changes, so cacheable for long.
// - GET /v1/events/:id/seat-states: one byte per seat in that order, the gate's bytes as they are (a 200,000-seat
//   event is 200 KB, not 8 MB of JSON), with the event's seat-map version as ETag: one serialisation per
//   version serves every reader, and a reader holding the current version gets a 304.
// - GET /v1/events/:id/seats: the JSON list of the contract, refused past SEAT_LIST_SEATS_MAX seats.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SEAT_LIST_SEATS_MAX } from '../../domain/limits.js';
import { sendError } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import {
  errors,
  eventParams,
  notModified,
  seatLayoutView,
  seatList,
  seatStatesView,
  seatsQuery,
} from '../schemas.js';
import { etagMatches, SeatLayouts } from '../seat-layouts.js';

interface SeatsRequest {
  Params: { eventId: string };
  Querystring: { sectionId?: string };
}

/**
 * How long clients and proxies may keep a layout without asking again. Not `immutable`: an event id can name
 * another event after its data dir was reset, and a day is already one request per client per event.
 */
const LAYOUT_MAX_AGE_SECONDS = 86_400;

export function registerSeatMapRoutes(app: FastifyInstance, { events }: RouteDeps): void {
  const layouts = new SeatLayouts(events);

  app.get<{ Params: { eventId: string } }>(
    '/v1/events/:eventId/seat-layout',
    {
      schema: {
        summary: 'Sections, rows and seat order of an event: read once, then decode seat-states with it.',
        tags: ['events'],
        params: eventParams,
        response: { 200: seatLayoutView, 304: notModified, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const cached = await layouts.get(request.params.eventId);
      if (cached === undefined) return sendError(reply, 'event_not_found');
      reply.header('etag', cached.etag).header('cache-control', `public, max-age=${LAYOUT_MAX_AGE_SECONDS}`);
      if (etagMatches(request.headers['if-none-match'], cached.etag)) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(cached.json);
    },
  );

  app.get<SeatsRequest>(
    '/v1/events/:eventId/seat-states',
    {
      schema: {
        summary: 'Status of every seat as one byte per seat (optionally of one section), with an ETag.',
        tags: ['events'],
        params: eventParams,
        querystring: seatsQuery,
        response: { 200: seatStatesView, 304: notModified, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const { eventId } = request.params;
      const { sectionId } = request.query;
      const map = await events.seatMap(eventId);
      if (map === undefined) return sendError(reply, 'event_not_found');
      let states = map.states;
      if (sectionId !== undefined) {
        const section = (await layouts.get(eventId))?.sections.get(sectionId);
        if (section === undefined) return sendError(reply, 'section_not_found');
        // A view of the shared bytes, not a copy.
        states = states.subarray(section.start, section.start + section.count);
      }
      return sendStates(reply, `"${map.version}"`, request.headers['if-none-match'], states);
    },
  );

  app.get<SeatsRequest>(
    '/v1/events/:eventId/seats',
    {
      schema: {
        summary: `Status of every numbered seat as JSON (optionally of one section), up to ${SEAT_LIST_SEATS_MAX} seats per answer; larger maps: seat-states.`,
        tags: ['events'],
        params: eventParams,
        querystring: seatsQuery,
        response: { 200: seatList, ...errors(400, 404, 422) },
      },
    },
    async (request, reply) => {
      const { eventId } = request.params;
      const { sectionId } = request.query;
      const cached = await layouts.get(eventId);
      if (cached === undefined) return sendError(reply, 'event_not_found');
      const section = sectionId === undefined ? undefined : cached.sections.get(sectionId);
      if (sectionId !== undefined && section === undefined) return sendError(reply, 'section_not_found');
      const seatCount = section?.count ?? cached.layout.seatCount;
      if (seatCount > SEAT_LIST_SEATS_MAX) return sendError(reply, 'seat_list_too_large');
      const seats = await events.seatStates(eventId, sectionId);
      if (seats === undefined) return sendError(reply, 'event_not_found');
      return { seats };
    },
  );
}

function sendStates(
  reply: FastifyReply,
  etag: string,
  ifNoneMatch: string | undefined,
  states: Buffer,
): FastifyReply {
  // no-cache: caches may keep it, but ask every time; the answer is a 304 while the version holds.
  reply.header('etag', etag).header('cache-control', 'no-cache');
  if (etagMatches(ifNoneMatch, etag)) return reply.code(304).send();
  return reply.type('application/octet-stream').send(states);
}
