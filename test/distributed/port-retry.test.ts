// A child's port is free when picked but reserved only once the child binds it, so another process on the
// machine can take it in between. ProcessGroup starts the child again on another port when it fails with
// EADDRINUSE; here the first port handed out is one a listener of this test holds.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/harness/processes.js';
import { type ThrowawayDatabase, throwawayDatabase } from '../support/postgres.js';
import { ProcessGroup } from '../support/processes.js';
import { type RedisServer, startRedis } from '../support/redis-server.js';

describe('test processes on a port taken meanwhile', () => {
  let redis: RedisServer;
  let database: ThrowawayDatabase;
  let squatter: Server;
  let taken: number;

  beforeAll(async () => {
    [redis, database] = await Promise.all([startRedis({ appendOnly: true }), throwawayDatabase()]);
    taken = await freePort();
    // It answers nothing: a readiness check that reaches it fails at once.
    squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(taken, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => squatter.close(resolve));
    await database?.drop();
    await redis?.stop();
  });

  it('start an API process again on another port after EADDRINUSE', async () => {
    const ports = [taken];
    const group = new ProcessGroup({ redisUrl: redis.url, databaseUrl: database.url }, async () =>
      ports.length > 0 ? (ports.shift() as number) : freePort(),
    );
    try {
      const api = await group.api('api');
      expect(api.url).not.toBe(`http://127.0.0.1:${taken}`);
      expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    } finally {
      await group.killAll();
    }
  });
});
