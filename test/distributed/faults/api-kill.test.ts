// One of two API processes `kill -9`ed in the middle of a sale. The API processes keep no state of their own
// (every decision and its log entry are in Redis before the reply), so the other process keeps selling and
// every 2xx that either of them gave is still there; the only failures are requests to the dead process.
import { describe, expect, it } from 'vitest';
import { uniqueEventId } from '../../support/embedded.js';
import { postgresAvailable } from '../../support/postgres.js';
import { admin, type Deployment, projectedAudit, useDeployment } from '../../support/processes.js';
import { type RedisServer, redisAvailable } from '../../support/redis-server.js';
import { checkAcknowledged, faultEventBody, SaleLoad } from './sale-load.js';

const available = redisAvailable() && (await postgresAvailable());

describe.runIf(available)('an API process killed during a sale', () => {
  let redis: RedisServer;
  let deployment: Deployment;
  useDeployment({ apis: 2, workers: ['worker-1'] }, (sale) => {
    ({ redis, deployment } = sale);
  });

  it('keeps selling on the other process, and every 2xx from either survives', async () => {
    const [victim, survivor] = deployment.apis;
    const survivorClient = deployment.clients[1]!;
    const eventId = uniqueEventId('api-kill');
    const created = await survivorClient.send('POST', '/v1/events', faultEventBody(eventId), admin);
    expect(created.status).toBe(201);
    const load = new SaleLoad({ apis: deployment.clients, eventId });

    await load.untilPlaced(150);
    const killedAtMs = Date.now();
    await victim!.kill9();
    await load.untilPlaced(150);
    await load.stop();

    const outputs = deployment.group.outputs();
    // Only the dead process failed anyone, and only by not answering.
    const unexpected = load.failures.filter((failure) => failure.api !== 0 || failure.status !== undefined);
    expect(unexpected, outputs).toEqual([]);
    expect(load.failures.length).toBeGreaterThan(0);
    expect(load.failures.every((failure) => failure.atMs >= killedAtMs)).toBe(true);
    expect(load.placedBetween(killedAtMs)).toBeGreaterThanOrEqual(150);
    expect(survivor!.running(), outputs).toBe(true);
    const audit = await projectedAudit(survivorClient.send, redis.url, eventId);
    const checked = await checkAcknowledged(survivorClient, load.acknowledged.values());
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
  }, 90_000);
});
