// How fast the projector drains a backlog of log entries from Redis Streams into PostgreSQL, as quoted in
// docs/projector.md. Starts a private redis-server on a free port and a throwaway PostgreSQL database,
// preloads the entries of a flash sale across a few events, times the projector draining them, prints
// entries/s and the lag, then removes both. Runs against dist/: `npm run build` first.
//
//   node scripts/bench/projector-drain.mjs [--entries 200000] [--events 4] [--batch 1000] [--workers 1]
//                                          [--lanes 3] [--synchronous-commit on|off] [--timeout-s 300]
//
// PostgreSQL: BOXOFFICE_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres (a database
// named boxoffice_drain_<pid> is created there and dropped at the end).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { distributedProjector } from '../../dist/distributed-projector.js';
import { newHold } from '../../dist/domain/hold.js';
import { EVENTS_KEY, eventKeys } from '../../dist/gate/redis/keys.js';
import { DISTRIBUTED_LANES_DEFAULT } from '../../dist/projector/projector.js';
import { migrate } from '../../dist/store/migrate.js';
import { PostgresDriver } from '../../dist/store/postgres/postgres-driver.js';
import { SqlStore } from '../../dist/store/sql-store.js';
import { freePort } from '../../dist/tools/harness/processes.js';
import { redisServerArgs, waitForPing } from '../../dist/tools/harness/redis-server.js';

const { values: flags } = parseArgs({
  options: {
    entries: { type: 'string', default: '200000' },
    events: { type: 'string', default: '4' },
    batch: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '1' },
    lanes: { type: 'string', default: String(DISTRIBUTED_LANES_DEFAULT) },
    'synchronous-commit': { type: 'string', default: 'on' },
    'timeout-s': { type: 'string', default: '300' },
  },
});
const ENTRIES = Number(flags.entries);
const EVENTS = Number(flags.events);
const BATCH = Number(flags.batch);
const WORKERS = Number(flags.workers);
const TIMEOUT_MS = Number(flags['timeout-s']) * 1000;
const POSTGRES_URL = process.env.BOXOFFICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s. */
const CLOCK_TICKS_PER_SECOND = 100;
/** An ending follows its placement this many holds later, as confirmations trail placements in a sale. */
const ENDING_DELAY_HOLDS = 500;

const redisServer = await startRedis();
const database = `boxoffice_drain_${process.pid}`;
const url = new URL(POSTGRES_URL);
url.pathname = `/${database}`;
const drivers = [];
const redisClients = [];
try {
  await admin(`CREATE DATABASE ${database}`);
  if (flags['synchronous-commit'] === 'off')
    await admin(`ALTER DATABASE ${database} SET synchronous_commit = off`);
  const setupDriver = new PostgresDriver(url.toString());
  drivers.push(setupDriver);
  await migrate(setupDriver);
  const setupStore = new SqlStore(setupDriver);
  const redis = new Redis(redisServer.port, '127.0.0.1');
  redisClients.push(redis);
  const eventIds = Array.from({ length: EVENTS }, (_, i) => `drain-${i}`);
  for (const eventId of eventIds) await setupStore.createEvent(eventSpec(eventId), Date.now());
  const preloadStartedMs = Date.now();
  const mix = await preload(redis, eventIds);
  const preloadMs = Date.now() - preloadStartedMs;
  console.log(
    `preloaded ${ENTRIES} entries (${mix.placed} placements, ${mix.confirmed} confirmations, ` +
      `${mix.released} releases, ${mix.expired} expiries, ${mix.tickets} tickets) over ${EVENTS} events in ${preloadMs} ms`,
  );

  const lags = [];
  const batchMs = [];
  const metrics = {
    committed: (_count, seconds) => batchMs.push(seconds * 1000),
    lag: (seconds) => seconds > 0 && lags.push(seconds),
    deadLettered: () => {},
    failedBatch: () => {},
  };
  const workers = [];
  for (let i = 0; i < WORKERS; i++) {
    const driver = new PostgresDriver(url.toString());
    drivers.push(driver);
    const client = new Redis(redisServer.port, '127.0.0.1');
    redisClients.push(client);
    workers.push(
      distributedProjector({
        redis: client,
        store: new SqlStore(driver),
        consumer: `bench-${i}`,
        metrics,
        batchMax: BATCH,
        lanes: Number(flags.lanes),
      }),
    );
  }
  const cpuBefore = process.cpuUsage();
  const postgresCpuBefore = await postgresCpuMs(setupDriver);
  const redisCpuBefore = processCpuMs(redisServer.pid);
  const startedMs = performance.now();
  const taken = await Promise.all(workers.map((worker) => worker.drain(TIMEOUT_MS)));
  const seconds = (performance.now() - startedMs) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const postgresCpu = (await postgresCpuMs(setupDriver)) - postgresCpuBefore;
  const redisCpu = processCpuMs(redisServer.pid) - redisCpuBefore;

  const total = taken.reduce((sum, n) => sum + n, 0);
  const [counts] = await setupDriver.query(
    `SELECT (SELECT count(*) FROM holds) AS holds, (SELECT count(*) FROM orders) AS orders,
            (SELECT count(*) FROM tickets) AS tickets`,
  );
  const left = await Promise.all(eventIds.map((eventId) => redis.xlen(eventKeys(eventId).log)));
  batchMs.sort((a, b) => a - b);
  const quantile = (q) => batchMs[Math.min(batchMs.length - 1, Math.floor(q * batchMs.length))] ?? 0;
  console.log(
    [
      `drained ${total} entries in ${seconds.toFixed(2)} s: ${Math.round(total / seconds)} entries/s`,
      `  workers ${WORKERS}, lanes ${flags.lanes}, batch ≤ ${BATCH}, synchronous_commit ${flags['synchronous-commit']}` +
        `  batches ${batchMs.length}; transaction p50 ${quantile(0.5).toFixed(1)} ms, p99 ${quantile(0.99).toFixed(1)} ms`,
      `  lag at commit (age of the batch's oldest entry): first ${lags[0]?.toFixed(2)} s, max ${Math.max(...lags).toFixed(2)} s`,
      `  projector process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(0)}% of one core)`,
      cpuPerEntry(total, (cpu.user + cpu.system) / 1000, postgresCpu, redisCpu),
      `  store: ${counts.holds} holds, ${counts.orders} orders, ${counts.tickets} tickets; left in streams: ${left.reduce((a, b) => a + b, 0)}`,
    ].join('\n'),
  );
  if (Number(counts.holds) !== mix.placed || Number(counts.tickets) !== mix.tickets)
    throw new Error('The store does not hold every entry exactly once.');
} finally {
  for (const client of redisClients) client.disconnect();
  for (const driver of drivers) await driver.close();
  await redisServer.stop();
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}

/**
 * CPU time per entry of the three processes at work, and the ceiling it implies on an otherwise idle
 * machine of os.availableParallelism() cores: CPU time does not depend on how busy the machine is the way
 * wall time does (a shared machine's other load slows the wall clock, not the work per entry).
 */
function cpuPerEntry(entries, projectorMs, postgresMs, redisMs) {
  if (!Number.isFinite(postgresMs) || !Number.isFinite(redisMs))
    return '  CPU per entry: n/a (PostgreSQL or redis-server not on this machine)';
  const perEntry = (ms) => (ms * 1000) / entries;
  const totalMicros = perEntry(projectorMs + postgresMs + redisMs);
  const cores = availableParallelism();
  return (
    `  CPU per entry: projector ${perEntry(projectorMs).toFixed(1)} µs, PostgreSQL ${perEntry(postgresMs).toFixed(1)} µs, ` +
    `redis-server ${perEntry(redisMs).toFixed(1)} µs = ${totalMicros.toFixed(1)} µs; ` +
    `ceiling on ${cores} idle cores ≈ ${Math.round((cores * 1e6) / totalMicros)} entries/s`
  );
}

/** CPU milliseconds (user + system) of a local process, from /proc; NaN when it cannot be read. */
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU milliseconds of every PostgreSQL backend connected to the bench database. */
async function postgresCpuMs(driver) {
  const rows = await driver.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  return rows.reduce((sum, row) => sum + processCpuMs(row.pid), 0);
}

function eventSpec(id) {
  return {
    id,
    name: id,
    venue: 'Drain Arena',
    startsAt: '2027-01-01T20:00:00.000Z',
    holdTtlSeconds: 300,
    maxPerUser: 10,
    pools: [{ id: 'ga', name: 'GA', capacity: 10_000_000, price: 4500 }],
    sections: [{ id: 'A', name: 'A', price: 9900, rows: [{ id: '1', seats: 200_000 }] }],
  };
}

/**
 * A flash sale's log: every hold placed, then (ENDING_DELAY_HOLDS holds later) confirmed (70%), released
 * (15%) or expired (15%); one hold in four on a numbered seat, the rest one or two of counted stock. The
 * last ENDING_DELAY_HOLDS holds of each event stay held.
 */
async function preload(redis, eventIds) {
  const mix = { placed: 0, confirmed: 0, released: 0, expired: 0, tickets: 0 };
  const perEvent = Math.ceil(ENTRIES / eventIds.length);
  let written = 0;
  for (const eventId of eventIds) {
    await redis.sadd(EVENTS_KEY, eventId);
    const key = eventKeys(eventId).log;
    const log = [];
    const waiting = [];
    const target = Math.min(perEvent, ENTRIES - written);
    let seat = 0;
    for (let i = 0; log.length < target; i++) {
      const nowMs = Date.now();
      const items =
        i % 4 === 0
          ? [{ seatId: `A-1-${++seat}`, quantity: 1, price: 9900 }]
          : [{ poolId: 'ga', quantity: 1 + (i % 2), price: 4500 }];
      const hold = newHold(eventId, `u${i % 50_000}`, items, nowMs, 300);
      log.push(JSON.stringify({ type: 'hold_placed', eventId, atMs: nowMs, hold }));
      mix.placed++;
      waiting.push(hold);
      if (waiting.length > ENDING_DELAY_HOLDS && log.length < target)
        log.push(endingOf(waiting.shift(), i, mix));
    }
    written += log.length;
    for (let start = 0; start < log.length; start += 1000) {
      const pipeline = redis.pipeline();
      for (const json of log.slice(start, start + 1000)) pipeline.xadd(key, '*', 'e', json);
      await pipeline.exec();
    }
  }
  return mix;
}

function endingOf(hold, i, mix) {
  const roll = i % 20;
  const type = roll < 14 ? 'hold_confirmed' : roll < 17 ? 'hold_released' : 'hold_expired';
  if (type === 'hold_confirmed') {
    mix.confirmed++;
    mix.tickets += hold.items.reduce((sum, item) => sum + item.quantity, 0);
  } else if (type === 'hold_released') mix.released++;
  else mix.expired++;
  return JSON.stringify({ type, eventId: hold.eventId, atMs: Date.now(), hold });
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'boxoffice-drain-redis-'));
  const child = spawn('redis-server', redisServerArgs(port, dir, { appendOnly: false }), { stdio: 'ignore' });
  await waitForPing(port, () => child.exitCode === null);
  return {
    port,
    pid: child.pid,
    async stop() {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
