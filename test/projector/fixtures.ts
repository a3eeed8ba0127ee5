// What the projector suites share: a throwaway PostgreSQL database with its URL (the outage and worker tests
// point other connections at it), the event logs written the way the Redis gate writes them (XADD of the
// entry's JSON under `e`, the event id in the registry), a sale of known shape and the rows it must leave.
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll } from 'vitest';
import { newHold } from '../../src/domain/hold.js';
import type { LogEntry } from '../../src/domain/log-entry.js';
import { orderOf } from '../../src/domain/order.js';
import type { EventSpec, Hold, HoldItem } from '../../src/domain/types.js';
import { ENTRY_FIELD, EVENTS_KEY, eventKeys } from '../../src/gate/redis/keys.js';
import type { RedisClient } from '../../src/log/redis/client.js';
import { createProjectorMetrics, type ProjectorMetrics } from '../../src/metrics/projector-metrics.js';
import { migrate } from '../../src/store/migrate.js';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { postgresAvailable, throwawayDatabase as throwawayPostgres } from '../support/postgres.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

export const NOW = 1_800_000_000_000;

/** Redis and PostgreSQL both there; under CI=true a missing one fails the run, elsewhere it skips loudly. */
export async function servicesAvailable(): Promise<boolean> {
  return redisAvailable() && (await postgresAvailable('the projector suites'));
}

export interface Database {
  readonly url: string;
  readonly driver: SqlDriver;
  readonly store: SqlStore;
  dispose(): Promise<void>;
}

/** A migrated database of its own on the test PostgreSQL server, dropped by dispose(). */
export async function throwawayDatabase(): Promise<Database> {
  const database = await throwawayPostgres();
  const driver = new PostgresDriver(database.url);
  await migrate(driver);
  const store = new SqlStore(driver);
  return {
    url: database.url,
    driver,
    store,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
}

export function eventSpec(id: string, seats = 200): EventSpec {
  return {
    id,
    name: `Event ${id}`,
    venue: 'Projector Hall',
    startsAt: '2027-01-01T20:00:00.000Z',
    holdTtlSeconds: 300,
    maxPerUser: 10,
    pools: [{ id: 'ga', name: 'GA', capacity: 1_000_000, price: 1000 }],
    sections: [{ id: 'A', name: 'A', price: 5000, rows: [{ id: '1', seats }] }],
  };
}

/** The stream form of an entry: its JSON without the order (readers derive it from the hold). */
export function streamJsonOf(entry: LogEntry): string {
  const { order: _order, ...streamed } = entry as LogEntry & { order?: unknown };
  return JSON.stringify(streamed);
}

const ENDINGS = ['hold_confirmed', 'hold_released', 'hold_expired', undefined] as const;

export interface Sale {
  readonly entries: LogEntry[];
  readonly holds: number;
  readonly confirmed: number;
  readonly tickets: number;
}

/**
 * holdCount holds of an event, every other one on a numbered seat (from A-1-<firstSeat> on), the rest counted
 * stock; their fates cycle through confirmed, released, expired and still held. Placements come first,
 * endings after.
 */
export function saleOf(eventId: string, holdCount: number, firstSeat = 1): Sale {
  const atMs = NOW;
  const placements: LogEntry[] = [];
  const endings: LogEntry[] = [];
  let tickets = 0;
  let confirmed = 0;
  for (let i = 0; i < holdCount; i++) {
    const item: HoldItem =
      i % 2 === 0
        ? { seatId: `A-1-${firstSeat + i / 2}`, quantity: 1, price: 5000 }
        : { poolId: 'ga', quantity: 1 + (i % 3), price: 1000 };
    const hold = newHold(eventId, `u${i % 7}`, [item], atMs, 300);
    placements.push({ type: 'hold_placed', eventId, atMs, hold });
    const ending = ENDINGS[i % ENDINGS.length];
    if (ending === undefined) continue;
    endings.push(endingOf(ending, hold, atMs + 1));
    if (ending === 'hold_confirmed') {
      confirmed++;
      tickets += item.quantity;
    }
  }
  return { entries: [...placements, ...endings], holds: holdCount, confirmed, tickets };
}

export function endingOf(
  type: 'hold_confirmed' | 'hold_released' | 'hold_expired',
  hold: Hold,
  atMs: number,
): LogEntry {
  if (type === 'hold_confirmed')
    return { type, eventId: hold.eventId, atMs, hold, order: orderOf(hold, atMs) };
  return { type, eventId: hold.eventId, atMs, hold };
}

/** Registers the event and appends the entries' JSON to its log, as the gate's scripts do. */
export async function appendToLog(
  redis: RedisClient,
  eventId: string,
  jsons: readonly string[],
  field = ENTRY_FIELD,
): Promise<void> {
  await redis.sadd(EVENTS_KEY, eventId);
  const key = eventKeys(eventId).log;
  for (let start = 0; start < jsons.length; start += 500) {
    const pipeline = redis.pipeline();
    for (const json of jsons.slice(start, start + 500)) pipeline.xadd(key, '*', field, json);
    await pipeline.exec();
  }
}

export async function appendEntries(redis: RedisClient, eventId: string, entries: readonly LogEntry[]) {
  await appendToLog(redis, eventId, entries.map(streamJsonOf));
}

export async function storeCounts(driver: SqlDriver, eventId: string) {
  const [row] = await driver.query<{ holds: string; confirmed: string; orders: string; tickets: string }>(
    `SELECT (SELECT count(*) FROM holds WHERE event_id = $1) AS holds,
       (SELECT count(*) FROM holds WHERE event_id = $1 AND status = 'confirmed') AS confirmed,
       (SELECT count(*) FROM orders WHERE event_id = $1) AS orders,
       (SELECT count(*) FROM tickets WHERE event_id = $1) AS tickets`,
    [eventId],
  );
  return {
    holds: Number(row?.holds),
    confirmed: Number(row?.confirmed),
    orders: Number(row?.orders),
    tickets: Number(row?.tickets),
  };
}

/** The counts a sale must leave in the store: every entry exactly once. */
export function expectedCounts(sale: Sale) {
  return { holds: sale.holds, confirmed: sale.confirmed, orders: sale.confirmed, tickets: sale.tickets };
}

export interface MeteredProjector {
  readonly metrics: ProjectorMetrics;
  value(name: string): Promise<number>;
}

/** Projector metrics on a registry of their own, with a reader of one counter's value. */
export function testMetrics(): MeteredProjector {
  const registry = new Registry();
  return {
    metrics: createProjectorMetrics(registry),
    async value(name) {
      const metric = await registry.getSingleMetric(name)?.get();
      return metric?.values.reduce((sum, sample) => sum + sample.value, 0) ?? 0;
    },
  };
}

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until check() is true; fails after timeoutMs. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await wait(25);
  }
}

export interface SuiteServices {
  readonly server: RedisServer;
  readonly redis: Redis;
  readonly db: Database;
}

/** A private redis-server, a client on it and a throwaway database for the suite, handed to `receive`. */
export function useSuiteServices(receive: (services: SuiteServices) => void): void {
  let services: SuiteServices | undefined;
  beforeAll(async () => {
    const server = await startRedis();
    services = { server, redis: new Redis(server.port, '127.0.0.1'), db: await throwawayDatabase() };
    receive(services);
  });
  afterAll(async () => {
    services?.redis.disconnect();
    await services?.server.stop();
    await services?.db.dispose();
  });
}
