import type { FastifyInstance } from 'fastify';
import { auditEvent } from '../../service/audit.js';
import { requireStaff, SECURITY } from '../access-hooks.js';
import type { RouteDeps } from '../app.js';
import { sendError } from '../error-handler.js';
import { auditView, errors, eventParams } from '../schemas.js';

export function registerAuditRoutes(app: FastifyInstance, { gate, store, journal, audit }: RouteDeps): void {
  const auditOf = audit ?? ((eventId: string) => auditEvent(eventId, gate, store, journal));
  app.get<{ Params: { eventId: string } }>(
    '/v1/events/:eventId/audit',
    {
      onRequest: requireStaff,
      schema: {
        summary:
          'Compare gate, log and store: oversell, double booking, phantoms and drift as numbers (sales or admin).',
        tags: ['events'],
        security: SECURITY.staff,
        params: eventParams,
        response: { 200: auditView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const report = await auditOf(request.params.eventId);
      return report === undefined ? sendError(reply, 'event_not_found') : report;
    },
  );
}
