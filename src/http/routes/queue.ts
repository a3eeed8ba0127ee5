// The waiting room over HTTP (docs/queue.md): buyers join and read their status; admins set, pause and
// resume an event's queue. Who is the buyer: a buyer token's `sub`; sales keys, admins and open mode name it
// with `userId`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { QueueService } from '../../queue/queue-service.js';
import type { QueueChange } from '../../queue/queue-settings.js';
import { specOf } from '../../queue/queue-settings.js';
import type { QueueSettings } from '../../queue/waiting-room.js';
import { buyerActingAs, requireActor, requireAdmin, SECURITY } from '../access-hooks.js';
import { sendError, sendRejection } from '../error-handler.js';
import {
  joinQueueBody,
  queueChangeBody,
  queueMeQuery,
  queueSettingsView,
  queueView,
} from '../queue-schemas.js';
import type { RouteDeps } from '../route-deps.js';
import { errors, eventParams } from '../schemas.js';

interface EventParams {
  eventId: string;
}

function settingsJson(eventId: string, settings: QueueSettings) {
  return { eventId, ...specOf(settings) };
}

export function registerQueueRoutes(app: FastifyInstance, deps: RouteDeps, queue: QueueService): void {
  const actor = requireActor(deps.access.mode);
  const eventExists = async (request: FastifyRequest<{ Params: EventParams }>, reply: FastifyReply) => {
    if ((await deps.events.eventState(request.params.eventId)) === undefined)
      sendError(reply, 'event_not_found');
  };

  app.post<{ Params: EventParams; Body: { userId?: string } | undefined }>(
    '/v1/events/:eventId/queue',
    {
      onRequest: actor,
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      preHandler: eventExists,
      schema: {
        summary:
          'Join the event’s waiting room (a buyer; sales, admin and open mode name it with userId). Joining again returns the same place.',
        tags: ['queue'],
        security: SECURITY.actor,
        params: eventParams,
        body: joinQueueBody,
        response: { 201: queueView, ...errors(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const buyerId = buyerActingAs(request, reply, request.body?.userId);
      if (buyerId === undefined) return reply;
      const view = await queue.join(request.params.eventId, buyerId);
      if (view === undefined) return sendError(reply, 'queue_not_found');
      if (view === 'not_open') return sendError(reply, 'queue_not_open');
      return reply.code(201).send(view);
    },
  );

  app.get<{ Params: EventParams; Querystring: { userId?: string } }>(
    '/v1/events/:eventId/queue/me',
    {
      onRequest: actor,
      preHandler: eventExists,
      schema: {
        summary:
          'The buyer’s place: position, estimate, state, and its pass once admitted. Counts as being heard from.',
        tags: ['queue'],
        security: SECURITY.actor,
        params: eventParams,
        querystring: queueMeQuery,
        response: { 200: queueView, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const buyerId = buyerActingAs(request, reply, request.query.userId);
      if (buyerId === undefined) return reply;
      const { eventId } = request.params;
      if ((await queue.settings(eventId)) === undefined) return sendError(reply, 'queue_not_found');
      const view = await queue.status(eventId, buyerId);
      if (view === undefined) return sendError(reply, 'not_in_queue');
      return view;
    },
  );

  app.patch<{ Params: EventParams; Body: QueueChange }>(
    '/v1/events/:eventId/queue',
    {
      onRequest: requireAdmin,
      preHandler: eventExists,
      schema: {
        summary:
          'Set or change the event’s waiting room (admin). The line and the passes stay; an event without a queue needs every field.',
        tags: ['queue'],
        security: SECURITY.admin,
        params: eventParams,
        body: queueChangeBody,
        response: { 200: queueSettingsView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const settings = await deps.events.changeQueue(request.params.eventId, request.body);
      if ('ok' in settings) return sendRejection(reply, settings);
      return settingsJson(request.params.eventId, settings);
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post<{ Params: EventParams }>(
      `/v1/events/:eventId/queue/${action}`,
      {
        onRequest: requireAdmin,
        preHandler: eventExists,
        schema: {
          summary:
            action === 'pause'
              ? 'Stop admitting (admin); waiting buyers keep their places and valid passes stay valid.'
              : 'Admit again (admin), at the event’s admitPerMinute.',
          tags: ['queue'],
          security: SECURITY.admin,
          params: eventParams,
          response: { 200: queueSettingsView, ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const { eventId } = request.params;
        if ((await queue.settings(eventId)) === undefined) return sendError(reply, 'queue_not_found');
        const settings = await deps.events.changeQueue(eventId, { paused: action === 'pause' });
        if ('ok' in settings) return sendRejection(reply, settings);
        return settingsJson(eventId, settings);
      },
    );
  }
}
