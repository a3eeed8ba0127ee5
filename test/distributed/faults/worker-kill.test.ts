// Two projector workers share the event's log; one is `kill -9`ed in the middle of a batch (it has read
// entries and not acknowledged them). The other takes those entries over once they have been idle for the
// claim idle time (XAUTOCLAIM) and projects them: nothing is lost, nothing is stored twice, and the audit is
// consistent. The workers take over entries idle for 3 s (BOXOFFICE_PROJECTOR_CLAIM_IDLE_MS), so the
// takeover happens within seconds.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeys, PROJECTOR_GROUP } from '../../../src/gate/redis/keys.js';
import { uniqueEventId } from '../../support/embedded.js';
import { postgresAvailable, type ThrowawayDatabase, throwawayDatabase } from '../../support/postgres.js';
import {
  admin,
  type ChildService,
  type Deployment,
  deploy,
  projectedAudit,
} from '../../support/processes.js';
import { type RedisServer, redisAvailable, startRedis } from '../../support/redis-server.js';
import { checkAcknowledged, faultEventBody, SaleLoad } from './sale-load.js';

const available = redisAvailable() && (await postgresAvailable());
/** Pauses of the doomed worker before one finds it holding a batch; each pause lasts one XPENDING. */
const KILL_ATTEMPTS_MAX = 200;
/** Claim idle time (30 s) plus one claim interval (15 s) plus slack for two busy cores. */
const TAKEOVER_TIMEOUT_MS = 60_000;

/** Entries the consumer has read and not acknowledged. */
async function pendingWith(redis: Redis, eventId: string, consumer: string): Promise<number> {
  const summary = (await redis.xpending(eventKeys(eventId).log, PROJECTOR_GROUP)) as [number, ...unknown[]];
  const consumers = (summary[3] ?? []) as [string, string][];
  return Number(consumers.find(([name]) => name === consumer)?.[1] ?? 0);
}

/** Stops the worker (SIGSTOP) until it is caught holding a batch, then kills it; its pending entries. */
async function killMidBatch(worker: ChildService, redis: Redis, eventId: string): Promise<number> {
  for (let attempt = 0; attempt < KILL_ATTEMPTS_MAX; attempt++) {
    process.kill(worker.pid, 'SIGSTOP');
    const pending = await pendingWith(redis, eventId, worker.name);
    if (pending > 0) {
      await worker.kill9();
      return pending;
    }
    process.kill(worker.pid, 'SIGCONT');
    await sleep(3 + (attempt % 7));
  }
  await worker.kill9();
  return 0;
}

/** Rows of the event in the store, counted by PostgreSQL itself. */
async function storeRows(databaseUrl: string, eventId: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM holds WHERE event_id = $1)::int AS holds,
              (SELECT count(*) FROM orders WHERE event_id = $1)::int AS orders,
              (SELECT coalesce(sum(ticket_count), 0) FROM orders WHERE event_id = $1)::int AS "orderedTickets",
              (SELECT count(*) FROM tickets WHERE event_id = $1)::int AS tickets`,
      [eventId],
    );
    return rows[0] as { holds: number; orders: number; orderedTickets: number; tickets: number };
  } finally {
    await client.end();
  }
}

describe.runIf(available)('a projector worker killed mid-batch', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let database: ThrowawayDatabase;
  let deployment: Deployment;

  beforeAll(async () => {
    [redisServer, database] = await Promise.all([startRedis({ appendOnly: true }), throwawayDatabase()]);
    redis = new Redis(redisServer.port, '127.0.0.1');
    const backends = { redisUrl: redisServer.url, databaseUrl: database.url };
    deployment = await deploy(backends, {
      apis: 2,
      workers: ['survivor', 'doomed'],
      workerEnv: { BOXOFFICE_PROJECTOR_CLAIM_IDLE_MS: '3000' },
    });
  });
  afterAll(async () => {
    await deployment?.close();
    redis?.disconnect();
    await database?.drop();
    await redisServer?.stop();
  });

  it('leaves its batch pending; the other worker takes it over; nothing lost, nothing twice', async () => {
    const [client] = deployment.clients;
    const [survivor, doomed] = deployment.workers;
    const eventId = uniqueEventId('worker-kill');
    const created = await client!.send('POST', '/v1/events', faultEventBody(eventId), admin);
    expect(created.status).toBe(201);
    const load = new SaleLoad({ apis: deployment.clients, eventId });

    await load.untilPlaced(150);
    const orphaned = await killMidBatch(doomed!, redis, eventId);
    await load.untilPlaced(100);
    await load.stop();

    const outputs = deployment.group.outputs();
    expect(load.failures, outputs).toEqual([]);
    expect(orphaned, 'the doomed worker was never caught holding a batch').toBeGreaterThan(0);
    const audit = await projectedAudit(client!.send, redisServer.url, eventId, TAKEOVER_TIMEOUT_MS);
    expect(survivor!.running(), outputs).toBe(true);
    expect(await pendingWith(redis, eventId, 'doomed')).toBe(0);
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
    // Every placement was answered, so the store holds exactly the acknowledged holds, each order once.
    const confirmed = [...load.acknowledged.values()].filter((hold) => hold.status === 'confirmed').length;
    expect(await storeRows(database.url, eventId)).toEqual({
      holds: load.acknowledged.size,
      orders: confirmed,
      orderedTickets: checked.tickets,
      tickets: checked.tickets,
    });
  }, 120_000);
});
