// `boxoffice worker` as a real process (from dist/): it projects, serves /metrics, stops cleanly on SIGTERM;
// killed with SIGKILL in the middle of a backlog, it leaves pending entries that another worker claims, and
// the store ends with every entry exactly once. Its settings are checked with every problem reported at once.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { distributedProjector } from '../../src/distributed-projector.js';
import { eventKeys } from '../../src/gate/redis/keys.js';
import { unacknowledgedCount as unprojected } from '../../src/log/redis/unacknowledged.js';
import { uniqueEventId } from '../support/embedded.js';
import { type RedisServer, startRedis } from '../support/redis-server.js';
import {
  appendEntries,
  type Database,
  eventSpec,
  expectedCounts,
  saleOf,
  servicesAvailable,
  storeCounts,
  throwawayDatabase,
  until,
} from './fixtures.js';

const WORKER_MODULE = resolve('dist/cli/worker-command.js');
const available = await servicesAvailable();

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>, args: string[]): WorkerProcess {
  const script = `import { runWorker } from ${JSON.stringify(WORKER_MODULE)};
process.exitCode = await runWorker(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

describe('worker settings (config.ts)', () => {
  it('reports every bad setting at once', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }, { 'metrics-port': 'x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      // the URL, the log level and the port
      expect((error as ConfigError).problems).toHaveLength(3);
    }
  });

  it('reads a cluster, flags winning over the environment', () => {
    const settings = loadConfig(
      {
        REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7001',
        DATABASE_URL: 'postgres://db/boxoffice',
        BOXOFFICE_METRICS_PORT: '9000',
      },
      { 'metrics-port': '9100', consumer: 'w1' },
    );
    expect(settings).toMatchObject({
      shape: 'distributed',
      redisClusterNodes: ['10.0.0.1:7000', '10.0.0.2:7001'],
      databaseUrl: 'postgres://db/boxoffice',
      metricsPort: 9100,
      metricsHost: '127.0.0.1',
      consumer: 'w1',
      logLevel: 'info',
    });
    expect(loadConfig({}).consumer).toMatch(/-[0-9]+$/);
  });
});

describe.skipIf(!available || !existsSync(WORKER_MODULE))('boxoffice worker (a real process)', () => {
  let server: RedisServer;
  let redis: Redis;
  let db: Database;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.port, '127.0.0.1');
    db = await throwawayDatabase();
    env = { REDIS_URL: server.url, DATABASE_URL: db.url, LOG_LEVEL: 'info' };
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
    await db?.dispose();
  });

  it('projects, serves /metrics and stops cleanly on SIGTERM', async () => {
    const eventId = uniqueEventId();
    const sale = saleOf(eventId, 200);
    await db.store.createEvent(eventSpec(eventId), 0);
    await appendEntries(redis, eventId, sale.entries);
    const worker = startWorker(env, ['--metrics-port', '0', '--consumer', 'child']);
    try {
      await until(async () => worker.output().includes('projector worker started'), 15_000, 'the worker');
      const metricsUrl = /"metrics":"([^"]+)"/.exec(worker.output())?.[1] as string;
      await until(async () => (await unprojected(redis, eventId)) === 0, 15_000, 'the backlog');
      expect(await storeCounts(db.driver, eventId)).toEqual(expectedCounts(sale));
      const metrics = await (await fetch(metricsUrl)).text();
      expect(metrics).toContain(`boxoffice_projector_entries_total ${sale.entries.length}`);
      expect(metrics).toContain('boxoffice_projector_lag_seconds');
      expect((await fetch(metricsUrl.replace('/metrics', '/healthz'))).status).toBe(200);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(worker.output()).toContain('projector worker stopped');
    } finally {
      worker.child.kill('SIGKILL');
    }
  });

  it('killed with SIGKILL mid-backlog, leaves nothing lost and nothing twice', async () => {
    const eventId = uniqueEventId();
    const sale = saleOf(eventId, 6_000);
    await db.store.createEvent(eventSpec(eventId, 3_000), 0);
    await appendEntries(redis, eventId, sale.entries);
    const worker = startWorker(env, ['--metrics-port', '0', '--consumer', 'victim']);
    await until(async () => (await storeCounts(db.driver, eventId)).holds > 0, 20_000, 'the first commit');
    worker.child.kill('SIGKILL');
    await worker.exited;
    const left = await unprojected(redis, eventId);
    process.stderr.write(`worker killed with ${left} of ${sale.entries.length} entries unprojected\n`);

    const survivor = distributedProjector({
      trimMarginMs: 0,
      redis,
      store: db.store,
      consumer: 'survivor',
      claimIdleMs: 300,
    });
    await survivor.drain(30_000);
    expect(await storeCounts(db.driver, eventId)).toEqual(expectedCounts(sale));
    expect(await db.store.audit(eventId)).toMatchObject({ doubleBooked: 0, phantom: 0 });
    expect(await unprojected(redis, eventId)).toBe(0);
    expect(await redis.xlen(eventKeys(eventId).log)).toBe(0);
  });
});
