// Compound faults of the distributed shape on a Redis without persistence (BOXOFFICE_REDIS_PERSISTENCE
// =volatile), with a private PostgreSQL server and a private redis-server:
// - fencing: PostgreSQL stopped while the worker holds a batch; Redis `kill -9`ed and started empty;
//   PostgreSQL started; the event rebuilt by `boxoffice reconcile`; only then the worker retries its batch.
//   The store must refuse that batch (an older gate epoch) instead of writing it behind the rebuild's
//   snapshot: no drift, no double booking, and the refused entries counted as dead letters;
// - volatile Redis: the worker paused, Redis restarted empty. The event must stop selling
//   (`event_needs_reconcile`) and the audit must say `consistent: false` with the reason until
//   `boxoffice reconcile`, never rebuild itself silently over the lost decisions;
// - the persistence check: a server refuses to start on a Redis without AOF by default, and stops when its
//   Redis loses AOF across a reconnect.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeys, PROJECTOR_GROUP } from '../../../src/gate/redis/keys.js';
import { uniqueEventId } from '../../support/embedded.js';
import {
  type PrivatePostgres,
  privatePostgresAvailable,
  startPrivatePostgres,
} from '../../support/private-postgres.js';
import {
  admin,
  type ChildService,
  type Deployment,
  deploy,
  ProcessGroup,
  projectedAudit,
} from '../../support/processes.js';
import { type RedisServer, redisAvailable, startRedis } from '../../support/redis-server.js';
import { checkAcknowledged, faultEventBody, SaleLoad } from './sale-load.js';

const run = promisify(execFile);
const available = redisAvailable() && privatePostgresAvailable();
const VOLATILE = { BOXOFFICE_REDIS_PERSISTENCE: 'volatile' };
/** The figures of docs/fault-tests.md's compound-fault table, printed by each run. */
async function report(
  name: string,
  client: Deployment['clients'][number],
  loads: readonly SaleLoad[],
  audit: Record<string, unknown>,
): Promise<void> {
  const holds = loads.flatMap((load) => [...load.acknowledged.values()]);
  const { problems } = await checkAcknowledged(client, holds);
  const { consistent, drift, doubleBooked, deadLetters, gateLost } = audit;
  process.stderr.write(
    `[${name}] acknowledged holds ${holds.length}, not read back as acknowledged ${problems.length}; ` +
      `audit: ${JSON.stringify({ consistent, drift, doubleBooked, deadLetters, gateLost: gateLost !== undefined })}\n`,
  );
}

/** Bound of every wait on a child process (two shared cores). */
const WAIT_TIMEOUT_MS = 30_000;

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Entries the consumer has read and not acknowledged. */
async function pendingWith(redis: Redis, eventId: string, consumer: string): Promise<number> {
  const summary = (await redis.xpending(eventKeys(eventId).log, PROJECTOR_GROUP)) as [number, ...unknown[]];
  const consumers = (summary[3] ?? []) as [string, string][];
  return Number(consumers.find(([name]) => name === consumer)?.[1] ?? 0);
}

async function metric(worker: ChildService, name: string): Promise<number> {
  const text = await (await fetch(`${worker.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function reconcile(redisUrl: string, databaseUrl: string, eventId: string) {
  const env = { PATH: process.env.PATH, REDIS_URL: redisUrl, DATABASE_URL: databaseUrl };
  try {
    const { stdout } = await run(process.execPath, ['dist/cli/main.js', 'reconcile', eventId], { env });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

describe.runIf(available)('compound faults on a Redis without persistence', () => {
  let redis: RedisServer;
  let postgres: PrivatePostgres;
  let deployment: Deployment;
  let probe: Redis;

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis({ appendOnly: false }), startPrivatePostgres()]);
    const backends = { redisUrl: redis.url, databaseUrl: postgres.url };
    deployment = await deploy(backends, { apis: 1, workers: ['worker-1'], apiEnv: VOLATILE });
    probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    probe.on('error', () => {});
  }, 120_000);
  afterAll(async () => {
    probe?.disconnect();
    await deployment?.close();
    await postgres?.dispose();
    await redis?.stop();
  });

  it('fencing: a batch held through a Redis loss is refused after the rebuild, never written behind it', async () => {
    const [client] = deployment.clients;
    const [worker] = deployment.workers;
    const eventId = uniqueEventId('fence');
    expect((await client!.send('POST', '/v1/events', faultEventBody(eventId), admin)).status).toBe(201);
    const load = new SaleLoad({ apis: deployment.clients, eventId, clients: 6 });
    await load.untilPlaced(40);

    await postgres.stop('fast');
    // The worker reads decisions made while the store is down and keeps retrying that batch.
    await load.untilPlaced(30);
    await until(
      'the worker to hold a batch',
      async () => (await pendingWith(probe, eventId, 'worker-1')) > 0,
    );
    await load.stop();
    const committedBefore = await metric(worker!, 'boxoffice_projector_entries_total');
    process.kill(worker!.pid, 'SIGSTOP');
    try {
      await redis.kill9();
      await redis.restart();
      await postgres.start();
      const rebuilt = await reconcile(redis.url, postgres.url, eventId);
      expect(rebuilt.code, rebuilt.stdout).toBe(0);
    } finally {
      process.kill(worker!.pid, 'SIGCONT');
    }
    // The worker's retry of its old batch goes through now (whether the store takes it or refuses it).
    await until(
      'the worker to retry its batch',
      async () => (await metric(worker!, 'boxoffice_projector_entries_total')) > committedBefore,
    );
    // Sales go on against the rebuilt gate, which offers again what the lost decisions had taken.
    const after = new SaleLoad({ apis: deployment.clients, eventId, clients: 6 });
    await after.untilPlaced(60);
    await after.stop();
    expect(after.failures).toEqual([]);

    const audit = await projectedAudit(client!.send, redis.url, eventId, WAIT_TIMEOUT_MS);
    const outputs = deployment.group.outputs();
    // The store shows exactly what the rebuilt gate decided: the old batch was not written behind it...
    expect(audit, outputs).toMatchObject({
      drift: { sold: 0, held: 0 },
      oversold: 0,
      doubleBooked: 0,
      phantom: 0,
      unprojected: 0,
    });
    // ...and its entries, acknowledged decisions Redis lost, are counted, so the audit is not consistent.
    expect(audit.deadLetters).toBeGreaterThan(0);
    expect(audit.consistent).toBe(false);
    await report('fencing', client!, [load, after], audit);
    const dead = (await probe.xrange(eventKeys(eventId).deadLetters, '-', '+')) as [string, string[]][];
    expect(dead[0]?.[1].join(' ')).toContain('gate epoch 1');
  }, 180_000);

  it('volatile Redis: an event Redis lost stops selling and fails its audit until reconcile', async () => {
    const [client] = deployment.clients;
    const [worker] = deployment.workers;
    const eventId = uniqueEventId('volatile');
    expect((await client!.send('POST', '/v1/events', faultEventBody(eventId), admin)).status).toBe(201);
    const load = new SaleLoad({ apis: deployment.clients, eventId, clients: 6 });
    await load.untilPlaced(30);
    process.kill(worker!.pid, 'SIGSTOP');
    let resumed = false;
    try {
      // Decided and acknowledged while the worker is paused: only in Redis.
      await load.untilPlaced(40);
      await load.stop();
      expect(load.failures).toEqual([]);
      await redis.kill9();
      await redis.restart();

      const hold = await client!.send('POST', `/v1/events/${eventId}/holds`, {
        userId: 'late',
        quantity: 1,
        poolId: 'ga',
      });
      expect(hold.status, JSON.stringify(hold.body)).toBe(503);
      expect(hold.body.error.code).toBe('event_needs_reconcile');
      const held = [...load.acknowledged.values()].find((h) => h.status === 'held');
      const confirm = await client!.send('POST', `/v1/holds/${held!.id}/confirm`);
      expect(confirm.body.error?.code).toBe('event_needs_reconcile');
      const audit = await client!.send('GET', `/v1/events/${eventId}/audit`, undefined, admin);
      expect(audit.status).toBe(200);
      await report('volatile, before reconcile', client!, [load], audit.body);
      expect(audit.body).toMatchObject({
        consistent: false,
        gateLost: expect.stringContaining('Redis lost'),
      });

      process.kill(worker!.pid, 'SIGCONT');
      resumed = true;
      const rebuilt = await reconcile(redis.url, postgres.url, eventId);
      expect(rebuilt.stdout).toMatch(new RegExp(`${eventId} before: .*gate lost.*INCONSISTENT`));
      expect(rebuilt.stdout).toMatch(new RegExp(`${eventId} after: .*consistent`));
    } finally {
      if (!resumed) process.kill(worker!.pid, 'SIGCONT');
    }
    // The API process notices the reconcile within a second (it remembers a lost event that long).
    let last = '';
    await until('sales to resume', async () => {
      const again = await client!.send('POST', `/v1/events/${eventId}/holds`, {
        userId: 'later',
        quantity: 1,
        poolId: 'ga',
      });
      last = `${again.status} ${JSON.stringify(again.body)}`;
      return again.status === 201;
    }).catch((error: Error) => {
      throw new Error(`${error.message}: ${last}\n${deployment.group.outputs()}`);
    });
    const audit = await projectedAudit(client!.send, redis.url, eventId, WAIT_TIMEOUT_MS);
    await report('volatile, after reconcile', client!, [load], audit);
    expect(audit).toMatchObject({ consistent: true, doubleBooked: 0, oversold: 0 });
    expect(audit.gateLost).toBeUndefined();
  }, 180_000);

  it('refuses to start on a Redis without AOF, and stops when its Redis loses AOF on a reconnect', async () => {
    const group = new ProcessGroup({ redisUrl: redis.url, databaseUrl: postgres.url });
    const durable = await startRedis({ appendOnly: true });
    try {
      await expect(group.api('strict')).rejects.toThrow(/appendonly: no/);
      const onDurable = new ProcessGroup({ redisUrl: durable.url, databaseUrl: postgres.url });
      const api = await onDurable.api('on-aof');
      try {
        const control = new Redis(durable.url);
        await control.config('SET', 'appendonly', 'no');
        await control.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
        control.disconnect();
        await until('the server to stop', async () => !api.running());
        expect(api.output()).toContain('appendonly: no');
      } finally {
        await onDurable.killAll();
      }
    } finally {
      await group.killAll();
      await durable.stop();
    }
  }, 120_000);
});
