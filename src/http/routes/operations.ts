import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';
import { sendError } from '../error-handler.js';

/** A store that does not answer a ping within this long is reported not ready. */
const READY_TIMEOUT_MS = 2_000;

export function registerOperationRoutes(app: FastifyInstance, { store, gate, metrics }: AppDeps): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  // The body says only "not ready": why (an address, a database error) is for the log, not for callers.
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await withTimeout(Promise.all([store.ping(), gate.eventIds()]), READY_TIMEOUT_MS);
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return sendError(reply, 'not_ready');
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
