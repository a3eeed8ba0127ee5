import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';

export function registerOperationRoutes(
  app: FastifyInstance,
  { readiness, metrics, access }: RouteDeps,
): void {
  const metricsAllowed = bearerCheck(access.metricsToken);
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  // The body says only "not ready": why (an address, a database error) is for the log, not for callers.
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await readiness.check();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return sendError(reply, 'not_ready');
    }
  });

  // Open unless BOXOFFICE_METRICS_TOKEN is set; then Prometheus sends it as its bearer token.
  app.get(
    '/metrics',
    { schema: { hide: true }, config: { ownCredentials: true } },
    async (request, reply) => {
      if (!metricsAllowed(request.headers.authorization))
        return sendError(reply, 'unauthorized', 'The metrics token is required.');
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/** Accepts every request when no token is set, else `Bearer <token>` compared in constant time. */
function bearerCheck(token: string | undefined): (header: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(`Bearer ${token}`);
  return (header) => header !== undefined && timingSafeEqual(digest(header), expected);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
