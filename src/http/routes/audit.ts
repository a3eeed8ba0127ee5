import type { FastifyInstance } from 'fastify';
import { auditEvent } from '../../service/audit.js';
import { adminGuard } from '../admin-auth.js';
import type { AppDeps } from '../app.js';
import { sendError } from '../error-handler.js';
import { auditView, errors, eventParams } from '../schemas.js';

export function registerAuditRoutes(
  app: FastifyInstance,
  { gate, store, journal, adminToken, audit }: AppDeps,
): void {
  const auditOf = audit ?? ((eventId: string) => auditEvent(eventId, gate, store, journal));
  app.get<{ Params: { eventId: string } }>(
    '/v1/events/:eventId/audit',
    {
      onRequest: adminGuard(adminToken),
      schema: {
        summary:
          'Compare gate, log and store: oversell, double booking, phantoms and drift as numbers (admin).',
        tags: ['events'],
        security: [{ admin: [] }],
        params: eventParams,
        response: { 200: auditView, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const report = await auditOf(request.params.eventId);
      return report === undefined ? sendError(reply, 'event_not_found') : report;
    },
  );
}
