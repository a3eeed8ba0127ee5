// The Redis change feed against private redis-servers: entries XADDed to `{ev:<id>}:log` in the stream
// format (field `e`, the JSON of a LogEntry without order) reach subscribers decoded and in order, on a
// single server and on a Cluster; and, end to end, a hold decided through one instance's Redis gate shows
// on a live client of another instance.
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newHoldId } from '../../src/domain/ids.js';
import type { HoldEntry, LogEntry } from '../../src/domain/log-entry.js';
import type { Hold } from '../../src/domain/types.js';
import { ENTRY_FIELD, eventKeys } from '../../src/gate/redis/keys.js';
import { RedisGate } from '../../src/gate/redis/redis-gate.js';
import type { RedisClient } from '../../src/gate/redis/scripts.js';
import { buildApp } from '../../src/http/app.js';
import { RedisFeed, tailConnectionName } from '../../src/live/redis-feed.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { Reservations } from '../../src/service/reservations.js';
import { PgliteDriver } from '../../src/store/pglite/pglite-driver.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { ADMIN_TOKEN, freshDataDir, uniqueEventId } from '../support/embedded.js';
import { listen } from '../support/http.js';
import { type RedisServer, redisAvailable, startRedis, startRedisCluster } from '../support/redis-server.js';
import { LiveClient, liveUrl, waitFor } from './live-client.js';

const withRedis = redisAvailable();

function holdOf(eventId: string, seatIds: readonly string[]): Hold {
  return {
    id: newHoldId(eventId),
    eventId,
    userId: 'u-1',
    status: 'held',
    items: seatIds.map((seatId) => ({ seatId, quantity: 1, price: 10 })),
    total: 10 * seatIds.length,
    createdAtMs: 1_000,
    expiresAtMs: 301_000,
  };
}

/** Appends one entry as the gate's Lua scripts do: `XADD key * e <json>`, a confirmation without its order. */
async function append(redis: RedisClient, type: LogEntry['type'], hold: Hold): Promise<void> {
  const json = JSON.stringify({ type, eventId: hold.eventId, atMs: 2_000, hold });
  await redis.xadd(eventKeys(hold.eventId).log, '*', ENTRY_FIELD, json);
}

function collect(feed: RedisFeed, eventId: string) {
  const received: LogEntry[] = [];
  const unsubscribe = feed.subscribe(eventId, (entries) => received.push(...entries));
  return { received, unsubscribe };
}

/** Connections named as the tail of eventId, on the server that redis talks to. */
async function tailConnections(redis: Redis, eventId: string): Promise<number> {
  const lines = String(await redis.client('LIST')).split('\n');
  return lines.filter((line) => line.includes(` name=${tailConnectionName(eventId)} `)).length;
}

describe.skipIf(!withRedis)('RedisFeed on one Redis server', () => {
  let server: RedisServer;
  let redis: Redis;
  let feed: RedisFeed;
  const errors: unknown[] = [];

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    feed = RedisFeed.over(redis, (error) => errors.push(error));
  });
  afterAll(async () => {
    feed.close();
    redis.disconnect();
    await server.stop();
  });

  it('delivers the entries appended after subscribing, decoded and in log order, and none from before', async () => {
    const eventId = uniqueEventId('feed');
    const before = holdOf(eventId, ['A-1-1']);
    await append(redis, 'hold_placed', before);
    const { received, unsubscribe } = collect(feed, eventId);
    await feed.ready(eventId);
    const hold = holdOf(eventId, ['A-1-2', 'A-1-3']);
    await append(redis, 'hold_placed', hold);
    await append(redis, 'hold_confirmed', hold);
    const other = holdOf(eventId, ['A-1-4']);
    await append(redis, 'hold_placed', other);
    await append(redis, 'hold_released', other);
    await waitFor(() => received.length === 4);
    expect(received.map((entry) => [entry.type, (entry as HoldEntry).hold.id])).toEqual([
      ['hold_placed', hold.id],
      ['hold_confirmed', hold.id],
      ['hold_placed', other.id],
      ['hold_released', other.id],
    ]);
    const confirmed = received[1];
    expect(confirmed?.type === 'hold_confirmed' && confirmed.order.tickets.map((t) => t.seatId)).toEqual([
      'A-1-2',
      'A-1-3',
    ]);
    unsubscribe();
  });

  it('tails an event whose stream does not exist yet', async () => {
    const eventId = uniqueEventId('fresh');
    const { received, unsubscribe } = collect(feed, eventId);
    await feed.ready(eventId);
    await append(redis, 'hold_placed', holdOf(eventId, ['B-1-1']));
    await waitFor(() => received.length === 1);
    unsubscribe();
  });

  it('reports an unreadable stream entry and reads on', async () => {
    const eventId = uniqueEventId('bad');
    const { received, unsubscribe } = collect(feed, eventId);
    await feed.ready(eventId);
    const errorsBefore = errors.length;
    await redis.xadd(eventKeys(eventId).log, '*', ENTRY_FIELD, '{not json');
    await redis.xadd(eventKeys(eventId).log, '*', 'other', 'field');
    await append(redis, 'hold_placed', holdOf(eventId, ['C-1-1']));
    await waitFor(() => received.length === 1);
    expect(errors.length - errorsBefore).toBe(2);
    unsubscribe();
  });

  it('shares one dedicated connection per event and closes it when the last listener leaves', async () => {
    const eventId = uniqueEventId('conn');
    const first = collect(feed, eventId);
    const second = collect(feed, eventId);
    await feed.ready(eventId);
    expect(await tailConnections(redis, eventId)).toBe(1);
    await append(redis, 'hold_placed', holdOf(eventId, ['D-1-1']));
    await waitFor(() => first.received.length === 1 && second.received.length === 1);
    first.unsubscribe();
    expect(await tailConnections(redis, eventId)).toBe(1);
    second.unsubscribe();
    await waitFor(async () => (await tailConnections(redis, eventId)) === 0);
  });
});

describe.skipIf(!withRedis)('live updates across instances: Redis gate and Redis feed', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    for (const client of clients) client.disconnect();
    await server.stop();
  });

  /** Instance B: an app on its own Redis connection, with the Redis feed; its store is not on this path. */
  async function startInstance(): Promise<string> {
    const redis = new Redis(server.url);
    clients.push(redis);
    const { dataDir, remove } = freshDataDir();
    const driver = await PgliteDriver.open(dataDir);
    const store = new SqlStore(driver);
    const gate = new RedisGate({ redis });
    const feed = RedisFeed.over(redis);
    const metrics = createMetrics();
    const defaults = { holdTtlSeconds: 300, maxPerUser: 10 };
    const reservations = new Reservations({ gate, store, clock: Date.now, defaults, metrics });
    const app = await buildApp({ reservations, gate, store, metrics, adminToken: ADMIN_TOKEN, feed });
    cleanups.push(async () => {
      await app.close();
      feed.close();
      await store.close();
      remove();
    });
    return listen(app);
  }

  it('shows a hold decided through instance A on a live client of instance B', async () => {
    const redisA = new Redis(server.url);
    clients.push(redisA);
    const gateA = new RedisGate({ redis: redisA });
    const eventId = uniqueEventId('multi');
    const spec = {
      id: eventId,
      name: 'Two instances',
      venue: 'Hall',
      startsAt: '2027-01-01T20:00:00Z',
      holdTtlSeconds: 300,
      maxPerUser: 10,
      pools: [],
      sections: [{ id: 'A', name: 'A', price: 10, rows: [{ id: '1', seats: 10 }] }],
    };
    expect(await gateA.createEvent(spec)).toBe(true);
    const baseUrlB = await startInstance();
    const client = await LiveClient.open(liveUrl(baseUrlB, eventId));
    expect((await client.snapshot).seatStates).toHaveLength(10);

    const request = { userId: 'u-1', seats: ['A-1-3', 'A-1-4'] };
    const placed = await gateA.placeHold({ eventId, request, confirm: false, nowMs: Date.now() });
    expect(placed.ok).toBe(true);
    await waitFor(() => client.seats.get('A-1-3') === 'held' && client.seats.get('A-1-4') === 'held');
    await waitFor(() => client.counts?.held === 2);
    client.close();
    await client.closed;
  });
});

describe.skipIf(!withRedis)('RedisFeed on a Redis Cluster', () => {
  it('tails events on whichever node owns their slot', async () => {
    const cluster = await startRedisCluster();
    const client = new Cluster([...cluster.nodes]);
    const feed = RedisFeed.over(client);
    try {
      const eventIds = await eventsOnEveryNode(client, cluster.nodes.length);
      const listeners = eventIds.map((eventId) => collect(feed, eventId));
      await Promise.all(eventIds.map((eventId) => feed.ready(eventId)));
      for (const eventId of eventIds) await append(client, 'hold_placed', holdOf(eventId, ['A-1-1']));
      await waitFor(() => listeners.every((listener) => listener.received.length === 1));
      listeners.forEach((listener, i) => {
        expect(listener.received[0]?.eventId).toBe(eventIds[i]);
      });
      for (const listener of listeners) listener.unsubscribe();
    } finally {
      feed.close();
      client.disconnect();
      await cluster.stop();
    }
  });
});

/** One event id per master, so that every node serves a tail (slots are spread over the masters). */
async function eventsOnEveryNode(client: Cluster, masters: number): Promise<string[]> {
  const ranges = await client.cluster('SLOTS');
  const byPort = new Map<number, string>();
  for (let tries = 0; byPort.size < masters && tries < 1_000; tries++) {
    const eventId = uniqueEventId('slot');
    const slot = Number(await client.cluster('KEYSLOT', eventKeys(eventId).log));
    const owner = ranges.find(([first, last]) => slot >= first && slot <= last);
    const port = owner?.[2]?.[1];
    if (port !== undefined && !byPort.has(port)) byPort.set(port, eventId);
  }
  expect(byPort.size).toBe(masters);
  return [...byPort.values()];
}
