// The ceiling of `boxoffice bench`: bare Fastify on the same route, parsing the same JSON body and answering
// a small JSON, with nothing behind it. Run as its own process, like the real server:
//   node dist/tools/bench/bare-server.js <port>
// What boxoffice achieves is reported as a ratio of what this achieves, in the same run on the same machine.
import Fastify from 'fastify';

async function main(port: number): Promise<void> {
  // No logger, like the real server's hot path, which logs nothing per request.
  const app = Fastify({ logger: false });
  app.post('/v1/events/:eventId/holds', async (_request, reply) => reply.code(201).send({ ok: true }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.listen({ port, host: '127.0.0.1' });
  const stop = () => {
    // Close, then exit: a --cpu-prof profile is written only on a normal exit.
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  process.stderr.write('usage: node dist/tools/bench/bare-server.js <port>\n');
  process.exitCode = 2;
} else {
  main(port).catch((error: unknown) => {
    process.stderr.write(`bare-server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
