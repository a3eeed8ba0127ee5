import type { FastifyInstance } from 'fastify';
import { requireStaff, SECURITY } from '../access-hooks.js';
import { sendError } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import { auditView, errors, eventParams } from '../schemas.js';

export function registerAuditRoutes(app: FastifyInstance, { audit }: RouteDeps): void {
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
      const report = await audit(request.params.eventId);
      return report === undefined ? sendError(reply, 'event_not_found') : report;
    },
  );
}
