import type { FastifyInstance } from 'fastify';
import type { EventDraft } from '../../domain/event-spec.js';
import { EVENT_BODY_BYTES_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../domain/limits.js';
import { type QueueSpec, settingsOf } from '../../queue/queue-settings.js';
import { requireAdmin, SECURITY } from '../access-hooks.js';
import { sendError, sendRejection } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import { createEventBody, errors, eventList, eventParams, eventView, pageQuery } from '../schemas.js';
import { eventJson, eventSummaryJson } from '../views.js';

interface EventParams {
  eventId: string;
}

export function registerEventRoutes(app: FastifyInstance, { events, queue }: RouteDeps): void {
  app.post<{ Body: EventDraft & { queue?: QueueSpec } }>(
    '/v1/events',
    {
      onRequest: requireAdmin,
      // The one large body: an event definition with up to 200,000 seats.
      bodyLimit: EVENT_BODY_BYTES_MAX,
      schema: {
        summary: 'Create an event with pools of counted stock and/or sections of numbered seats (admin).',
        tags: ['events'],
        security: SECURITY.admin,
        body: createEventBody,
        response: { 201: eventView, ...errors(400, 401, 403, 409, 413) },
      },
    },
    async (request, reply) => {
      const { queue: queueSpec, ...draft } = request.body;
      if (queueSpec !== undefined) {
        // Checked before anything is created: a bad queue changes nothing.
        const checked = queue === undefined ? undefined : settingsOf(queueSpec);
        if (checked === undefined)
          return sendError(reply, 'invalid_request', 'This server has no waiting room.');
        if ('ok' in checked) return sendRejection(reply, checked);
      }
      const created = await events.create(draft, queueSpec);
      if ('code' in created) return sendRejection(reply, created);
      return reply.code(201).send(eventJson(created));
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/v1/events',
    {
      schema: {
        summary: 'List events with live availability.',
        tags: ['events'],
        querystring: pageQuery,
        response: { 200: eventList, ...errors(400) },
      },
    },
    async (request, reply) => {
      const limit = pageSize(request.query.limit);
      if (limit === undefined)
        return sendError(reply, 'invalid_request', `limit must be from 1 to ${PAGE_SIZE_MAX}.`);
      const page = await events.list(limit, request.query.cursor);
      return {
        events: page.items.map(({ spec, state }) => eventSummaryJson(spec, state)),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get<{ Params: EventParams }>(
    '/v1/events/:eventId',
    {
      schema: {
        summary: 'An event with live counts from the gate.',
        tags: ['events'],
        params: eventParams,
        response: { 200: eventView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const state = await events.eventState(request.params.eventId);
      if (state === undefined) return sendError(reply, 'event_not_found');
      return eventJson(state);
    },
  );
}

/** The page size from `?limit=`, or undefined when out of range. */
export function pageSize(raw: string | undefined): number | undefined {
  if (raw === undefined) return PAGE_SIZE_DEFAULT;
  const limit = Number(raw);
  return limit >= 1 && limit <= PAGE_SIZE_MAX ? limit : undefined;
}
