// A graceful stop that ends: once close() begins, every answer says `Connection: close`. Requests in flight
// are still answered, but a keep-alive client's connection then ends with its last answer instead of
// holding the stop open for the keep-alive timeout (72 s, longer than any orchestrator waits after
// SIGTERM before it kills, which would skip the last commit and the store's close).
import type { FastifyInstance } from 'fastify';

export function closeConnectionsOnStop(app: FastifyInstance): void {
  let stopping = false;
  app.addHook('preClose', async () => {
    stopping = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (stopping) reply.header('connection', 'close');
    return payload;
  });
}
