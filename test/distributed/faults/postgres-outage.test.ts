// PostgreSQL stopped for 10 s in the middle of a sale, while the worker has a transaction open: the hot path
// never touches the store, so holds, confirms and releases are still answered 2xx from Redis; the worker
// survives its connections being cut, retries its batch until PostgreSQL is back, then catches up.
// Afterwards every acknowledged hold is there and the audit is consistent.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEventId } from '../../support/embedded.js';
import {
  type PrivatePostgres,
  privatePostgresAvailable,
  startPrivatePostgres,
} from '../../support/private-postgres.js';
import { admin, type Deployment, deploy, projectedAudit } from '../../support/processes.js';
import { type RedisServer, redisAvailable, startRedis } from '../../support/redis-server.js';
import { checkAcknowledged, faultEventBody, SaleLoad } from './sale-load.js';

const available = redisAvailable() && privatePostgresAvailable();
const OUTAGE_MS = 10_000;
const LOCK_WAIT_TIMEOUT_MS = 10_000;

/**
 * Takes a lock on the holds table that every projection needs, and waits until a worker's transaction is
 * queued behind it: PostgreSQL then goes down under an open transaction, not between two.
 */
async function holdUpProjection(databaseUrl: string): Promise<pg.Client> {
  const blocker = new pg.Client({ connectionString: databaseUrl });
  blocker.on('error', () => {});
  await blocker.connect();
  await blocker.query('BEGIN');
  await blocker.query('LOCK TABLE holds IN EXCLUSIVE MODE');
  const deadline = Date.now() + LOCK_WAIT_TIMEOUT_MS;
  const waiting = `SELECT count(*)::int AS waiting FROM pg_stat_activity
                   WHERE wait_event_type = 'Lock' AND datname = current_database()`;
  while ((await blocker.query<{ waiting: number }>(waiting)).rows[0]?.waiting === 0) {
    if (Date.now() > deadline) throw new Error('no projection transaction queued behind the lock');
    await sleep(20);
  }
  return blocker;
}

describe.runIf(available)('PostgreSQL stopped for 10 s during a sale', () => {
  let redis: RedisServer;
  let postgres: PrivatePostgres;
  let deployment: Deployment;

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis({ appendOnly: true }), startPrivatePostgres()]);
    const backends = { redisUrl: redis.url, databaseUrl: postgres.url };
    deployment = await deploy(backends, { apis: 2, workers: ['worker-1'] });
  });
  afterAll(async () => {
    await deployment?.close();
    await postgres?.dispose();
    await redis?.stop();
  });

  it('keeps selling, the worker catches up, and every acknowledged hold is there', async () => {
    const [client] = deployment.clients;
    const eventId = uniqueEventId('pg-outage');
    const created = await client!.send('POST', '/v1/events', faultEventBody(eventId), admin);
    expect(created.status).toBe(201);
    const load = new SaleLoad({ apis: deployment.clients, eventId });

    await load.untilPlaced(100);
    const blocker = await holdUpProjection(postgres.url);
    await postgres.stop('fast');
    const downAtMs = Date.now();
    await blocker.end().catch(() => {});
    await sleep(OUTAGE_MS);
    const upAtMs = Date.now();
    await postgres.start();
    await load.untilPlaced(100);
    await load.stop();

    const outputs = deployment.group.outputs();
    expect(load.failures, outputs).toEqual([]);
    expect(load.placedBetween(downAtMs, upAtMs)).toBeGreaterThan(0);
    expect(deployment.workers[0]!.running(), outputs).toBe(true);
    const audit = await projectedAudit(client!.send, redis.url, eventId, 30_000);
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
  }, 90_000);
});
