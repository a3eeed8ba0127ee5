// Redis with AOF (appendfsync everysec) `kill -9`ed in the middle of a sale and started again on the same
// port and dir. While it is down, every request fails with 503 `gate_unavailable` and nothing else; Redis
// writes each decision to its AOF before it replies, so every 2xx from before the kill is still there after
// the AOF is replayed; the API processes and the worker reconnect by themselves and the sale goes on.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { uniqueEventId } from '../../support/embedded.js';
import { postgresAvailable } from '../../support/postgres.js';
import { admin, type Deployment, projectedAudit, useDeployment } from '../../support/processes.js';
import { type RedisServer, redisAvailable } from '../../support/redis-server.js';
import { checkAcknowledged, faultEventBody, SaleLoad } from './sale-load.js';

const available = redisAvailable() && (await postgresAvailable());
const OUTAGE_MS = 2_000;
/** A batch read just before the kill may be pending with a live worker: claimed after 30 s idle. */
const PROJECTION_TIMEOUT_MS = 60_000;

describe.runIf(available)('Redis (AOF everysec) killed and restarted during a sale', () => {
  let redis: RedisServer;
  let deployment: Deployment;
  useDeployment({ apis: 2, workers: ['worker-1'] }, (sale) => {
    ({ redis, deployment } = sale);
  });

  it('answers 503 gate_unavailable while down and keeps every 2xx from before the kill', async () => {
    const [client] = deployment.clients;
    const eventId = uniqueEventId('redis-restart');
    const created = await client!.send('POST', '/v1/events', faultEventBody(eventId), admin);
    expect(created.status).toBe(201);
    const load = new SaleLoad({ apis: deployment.clients, eventId });

    await load.untilPlaced(150);
    const downAtMs = Date.now();
    await redis.kill9();
    const beforeKill = [...load.acknowledged.values()].filter((hold) => hold.placedAtMs < downAtMs);
    await sleep(OUTAGE_MS);
    await redis.restart();
    const upAtMs = Date.now();
    await load.untilPlaced(150);
    await load.stop();

    const outputs = deployment.group.outputs();
    const failures = load.failures.map(({ status, code }) => `${status} ${code}`);
    expect(new Set(failures), outputs).toEqual(new Set(['503 gate_unavailable']));
    expect(load.failures.every((failure) => failure.atMs >= downAtMs)).toBe(true);
    expect(load.placedBetween(upAtMs)).toBeGreaterThan(0);
    expect(deployment.apis.every((api) => api.running()) && deployment.workers[0]!.running(), outputs).toBe(
      true,
    );
    const audit = await projectedAudit(client!.send, redis.url, eventId, PROJECTION_TIMEOUT_MS);
    expect((await checkAcknowledged(client!, beforeKill)).problems).toEqual([]);
    const checked = await checkAcknowledged(client!, load.acknowledged.values());
    expect(checked.problems).toEqual([]);
    expect(audit, outputs).toMatchObject({
      consistent: true,
      unprojected: 0,
      deadLetters: 0,
      oversold: 0,
      doubleBooked: 0,
      phantom: 0,
      store: { tickets: checked.tickets },
    });
  }, 120_000);
});
