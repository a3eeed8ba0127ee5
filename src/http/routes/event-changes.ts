// An admin's change of an event after it was created: its name, venue, start time, and whether its sales are
// open. The layout (pools, sections, seats) and the sale rules (TTL, maxPerUser) are immutable once created:
// holds and tickets name its seats and pools, so any other field is refused (400 invalid_request).
import type { FastifyInstance } from 'fastify';
import { requireAdmin, SECURITY } from '../access-hooks.js';
import { sendError } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import { errors, eventParams, eventView, patchEventBody } from '../schemas.js';
import { eventJson } from '../views.js';

interface PatchEventBody {
  readonly name?: string;
  readonly venue?: string;
  readonly startsAt?: string;
  readonly salesOpen?: boolean;
}

export function registerEventChangeRoutes(app: FastifyInstance, { reservations }: RouteDeps): void {
  app.patch<{ Params: { eventId: string }; Body: PatchEventBody }>(
    '/v1/events/:eventId',
    {
      onRequest: requireAdmin,
      schema: {
        summary:
          'Change an event (admin): name, venue, startsAt, and salesOpen (false: new holds and orders get 409 ' +
          'sales_closed; existing holds may still be confirmed or released). The layout is immutable once created.',
        tags: ['events'],
        security: SECURITY.admin,
        params: eventParams,
        body: patchEventBody,
        response: { 200: eventView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const state = await reservations.updateEvent(request.params.eventId, request.body);
      if (state === undefined) return sendError(reply, 'event_not_found');
      return eventJson(state);
    },
  );
}
