// What only the Redis gate has: one round trip per decision, Redis's clock, the sold-out short-circuit,
// rebuilding an event whose keys Redis lost, and events spread over the shards of a cluster.
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSpec } from '../../src/domain/types.js';
import { EVENTS_KEY, eventKeys } from '../../src/gate/redis/keys.js';
import { rebuildEvent } from '../../src/gate/redis/rebuild.js';
import { RedisGate } from '../../src/gate/redis/redis-gate.js';
import { withUnavailableErrors } from '../../src/gate/redis/unavailable.js';
import { errorStatus } from '../../src/http/error-status.js';
import { COUNT_FIELDS } from '../../src/log/redis/encoding.js';
import { auditStream } from '../../src/service/audit.js';
import { migrate } from '../../src/store/migrate.js';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { postgresAvailable, type ThrowawayDatabase, throwawayDatabase } from '../support/postgres.js';
import {
  freePort,
  type RedisServer,
  redisAvailable,
  startRedis,
  startRedisCluster,
} from '../support/redis-server.js';
import { readLog } from './gate-fixtures.js';

const redisHere = redisAvailable();
let counter = 0;

function spec(overrides: Partial<EventSpec> = {}): EventSpec {
  counter += 1;
  return {
    id: `rg-${process.pid}-${counter}`,
    name: 'Redis Night',
    venue: 'Hall',
    startsAt: '2027-01-01T20:00:00.000Z',
    holdTtlSeconds: 60,
    maxPerUser: 10,
    pools: [{ id: 'ga', name: 'GA', capacity: 3, price: 100 }],
    sections: [{ id: 'A', name: 'A', price: 500, rows: [{ id: '1', seats: 4 }] }],
    ...overrides,
  };
}

/** The names of the commands the client sent while `work` ran. */
async function commandsSentBy(redis: Redis, work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string }, stream?: unknown) => {
    sent.push(command.name);
    return send(command as never, stream as never);
  }) as typeof redis.sendCommand;
  try {
    await work();
  } finally {
    redis.sendCommand = send;
  }
  return sent;
}

describe.runIf(redisHere)('Redis gate', () => {
  let server: RedisServer;
  let redis: Redis;
  let subscriber: Redis;
  let gate: RedisGate;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    subscriber = new Redis(server.url);
    gate = new RedisGate({ redis, soldOutCache: true, subscriber });
  });
  afterAll(async () => {
    redis?.disconnect();
    subscriber?.disconnect();
    await server?.stop();
  });

  it('decides a hold, a confirm and a release in one round trip each', async () => {
    const s = spec();
    await gate.createEvent(s);
    // Warm: the definition is cached and every script loaded after the first calls.
    await gate.placeHold({
      eventId: s.id,
      request: { userId: 'w', quantity: 1, poolId: 'ga' },
      confirm: false,
      nowMs: 0,
    });
    const sent = await commandsSentBy(redis, async () => {
      const placed = await gate.placeHold({
        eventId: s.id,
        request: { userId: 'u', quantity: 1, poolId: 'ga' },
        confirm: false,
        nowMs: 0,
      });
      if (!placed.ok || placed.kind !== 'placed') throw new Error('not placed');
      const second = await gate.placeHold({
        eventId: s.id,
        request: { userId: 'u', seats: ['A-1-1'] },
        confirm: false,
        nowMs: 0,
      });
      if (!second.ok || second.kind !== 'placed') throw new Error('not placed');
      await gate.confirmHold(placed.hold.id, 0);
      await gate.releaseHold(second.hold.id, 0);
    });
    expect(sent).toEqual(['evalsha', 'evalsha', 'evalsha', 'evalsha']);
  });

  it('reads the seat map in one round trip, which carries the bytes only when the version moved', async () => {
    const s = spec();
    await gate.createEvent(s);
    const first = await gate.seatMap(s.id);
    let second: Awaited<ReturnType<RedisGate['seatMap']>>;
    const sent = await commandsSentBy(redis, async () => {
      second = await gate.seatMap(s.id);
    });
    expect(sent).toEqual(['evalsha']);
    expect(second).toBe(first);
  });

  it('sweeps an event again only when something in it can be due', async () => {
    const sweeper = new RedisGate({ redis, useCommandTime: true });
    await redis.del(EVENTS_KEY);
    const s = spec({ holdTtlSeconds: 60 });
    await sweeper.createEvent(s);
    const t0 = 1_900_000_000_000;
    const hold = await sweeper.placeHold({
      eventId: s.id,
      request: { userId: 'u', quantity: 1, poolId: 'ga' },
      confirm: false,
      nowMs: t0,
    });
    if (!hold.ok || hold.kind !== 'placed') throw new Error('not placed');
    try {
      expect((await sweeper.sweepExpired(t0 + 1_000)).expired).toBe(0);
      // Nothing can be due before the hold's expiry: no script call, only the list of events.
      const early = await commandsSentBy(redis, async () => {
        expect((await sweeper.sweepExpired(t0 + 5_000)).expired).toBe(0);
      });
      expect(early).toEqual(['smembers']);
      // At its expiry the event is swept again and the hold ends.
      expect((await sweeper.sweepExpired(t0 + 60_000)).expired).toBe(1);
      // A hold placed now expires a TTL from now at the earliest; until the recheck bound nothing runs.
      expect(await commandsSentBy(redis, () => sweeper.sweepExpired(t0 + 65_000))).toEqual(['smembers']);
      const recheck = await commandsSentBy(redis, () => sweeper.sweepExpired(t0 + 70_001));
      expect(recheck.filter((name) => name === 'evalsha')).toHaveLength(1);
    } finally {
      await redis.sadd(EVENTS_KEY, s.id);
    }
  });

  it('sweeps in time an offer a release made between sweeps, when offers live shorter than holds', async () => {
    const sweeper = new RedisGate({ redis, useCommandTime: true });
    await redis.del(EVENTS_KEY);
    const s = spec({ holdTtlSeconds: 60, offerTtlSeconds: 5 });
    await sweeper.createEvent(s);
    const t0 = 1_900_000_000_000;
    const hold = await sweeper.placeHold({
      eventId: s.id,
      request: { userId: 'a', quantity: 3, poolId: 'ga' },
      confirm: false,
      nowMs: t0,
    });
    if (!hold.ok || hold.kind !== 'placed') throw new Error('not placed');
    try {
      // The sweep plans its next visit; only the 60 s hold is live.
      expect((await sweeper.sweepExpired(t0 + 1_000)).expired).toBe(0);
      const joined = await sweeper.joinWaitlist({
        eventId: s.id,
        request: { userId: 'b', quantity: 1, poolId: 'ga' },
        entryId: 'w-b',
        nowMs: t0 + 1_500,
      });
      expect(joined.ok).toBe(true);
      // The release offers a unit to b for 5 s, until t0 + 7 s.
      const released = await sweeper.releaseHold(hold.hold.id, t0 + 2_000);
      expect(released.ok).toBe(true);
      expect((await sweeper.sweepExpired(t0 + 7_000)).expired).toBe(1);
    } finally {
      await redis.sadd(EVENTS_KEY, s.id);
    }
  });

  it("takes time from Redis's clock unless told to use the command's", async () => {
    const s = spec();
    await gate.createEvent(s);
    const outcome = await gate.placeHold({
      eventId: s.id,
      request: { userId: 'u', quantity: 1, poolId: 'ga' },
      confirm: false,
      nowMs: 1,
    });
    if (!outcome.ok || outcome.kind !== 'placed') throw new Error('not placed');
    const [seconds] = (await redis.time()) as unknown as [string, string];
    expect(Math.abs(outcome.hold.createdAtMs - Number(seconds) * 1000)).toBeLessThan(5_000);
    expect(outcome.hold.expiresAtMs - outcome.hold.createdAtMs).toBe(60_000);
  });

  it('rejects a sold-out pool locally, without a round trip, until stock returns', async () => {
    const s = spec();
    await gate.createEvent(s);
    const hold = await gate.placeHold({
      eventId: s.id,
      request: { userId: 'a', quantity: 3, poolId: 'ga' },
      confirm: false,
      nowMs: 0,
    });
    if (!hold.ok || hold.kind !== 'placed') throw new Error('not placed');
    const first = await gate.placeHold({
      eventId: s.id,
      request: { userId: 'b', quantity: 1, poolId: 'ga' },
      confirm: false,
      nowMs: 0,
    });
    expect(first).toMatchObject({ ok: false, code: 'sold_out' });
    const sent = await commandsSentBy(redis, async () => {
      for (let i = 0; i < 50; i++) {
        const again = await gate.placeHold({
          eventId: s.id,
          request: { userId: `c${i}`, quantity: 1, poolId: 'ga' },
          confirm: false,
          nowMs: 0,
        });
        expect(again).toMatchObject({ ok: false, code: 'sold_out' });
      }
    });
    expect(sent).toEqual([]);
    // A release publishes the restock; the next request goes to Redis again and gets the seat back.
    await gate.releaseHold(hold.hold.id, 0);
    const deadline = Date.now() + 5_000;
    let outcome = await gate.placeHold({
      eventId: s.id,
      request: { userId: 'd', quantity: 1, poolId: 'ga' },
      confirm: false,
      nowMs: 0,
    });
    while (!outcome.ok && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      outcome = await gate.placeHold({
        eventId: s.id,
        request: { userId: 'd', quantity: 1, poolId: 'ga' },
        confirm: false,
        nowMs: 0,
      });
    }
    expect(outcome.ok).toBe(true);
  });

  it('never accepts more than the stock under a sold-out rush with releases in between', async () => {
    const s = spec({ pools: [{ id: 'ga', name: 'GA', capacity: 20, price: 1 }], sections: [] });
    await gate.createEvent(s);
    const peer = new RedisGate({ redis, soldOutCache: true, subscriber });
    const live: string[] = [];
    for (let round = 0; round < 20; round++) {
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? gate : peer).placeHold({
            eventId: s.id,
            request: { userId: `u${round}-${i}`, quantity: 1, poolId: 'ga' },
            confirm: false,
            nowMs: 0,
          }),
        ),
      );
      for (const o of outcomes) if (o.ok && o.kind === 'placed') live.push(o.hold.id);
      const state = await gate.eventState(s.id);
      expect((state?.pools[0]?.held ?? 0) + (state?.pools[0]?.sold ?? 0)).toBeLessThanOrEqual(20);
      expect(live.length).toBe(state?.pools[0]?.held);
      // Give some back: stock returns, and someone must be able to take it again.
      for (const id of live.splice(0, 3)) await gate.releaseHold(id, 0);
    }
  });

  it("counts the event's units on sale from its definition where the counts lack them, and marks the sell-out", async () => {
    const s = spec();
    await gate.createEvent(s);
    const counts = eventKeys(s.id).counts;
    const place = async (
      userId: string,
      request: { quantity?: number; poolId?: string; seats?: string[] },
    ) => {
      const outcome = await gate.placeHold({
        eventId: s.id,
        request: { userId, ...request },
        confirm: false,
        nowMs: 0,
      });
      if (!outcome.ok || outcome.kind !== 'placed') throw new Error(`not placed: ${JSON.stringify(outcome)}`);
      return outcome.hold;
    };
    const first = await place('u1', { quantity: 2, poolId: 'ga' });
    expect(await redis.hget(counts, COUNT_FIELDS.available)).toBe('5');
    // An event created (or rebuilt) by a version that kept no such field: computed at its next move.
    await redis.hdel(counts, COUNT_FIELDS.available);
    await place('u2', { seats: ['A-1-1', 'A-1-2', 'A-1-3', 'A-1-4'] });
    expect(await redis.hget(counts, COUNT_FIELDS.available)).toBe('1');
    await redis.hdel(counts, COUNT_FIELDS.available);
    await gate.releaseHold(first.id, 0);
    expect(await redis.hget(counts, COUNT_FIELDS.available)).toBe('3');
    await place('u3', { quantity: 3, poolId: 'ga' });
    expect(await redis.hget(counts, COUNT_FIELDS.available)).toBe('0');
    const placements = (await readLog(redis, s.id)).filter((entry) => entry.type === 'hold_placed');
    expect(placements.map((entry) => entry.soldOut === true)).toEqual([false, false, true]);
  });
});

const postgresHere = redisHere && (await postgresAvailable());

describe.runIf(postgresHere)('Redis gate rebuild from the store and the log', () => {
  let server: RedisServer;
  let redis: Redis;
  let database: ThrowawayDatabase;
  let driver: PostgresDriver;
  let store: SqlStore;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    database = await throwawayDatabase();
    driver = new PostgresDriver(database.url);
    await migrate(driver);
    store = new SqlStore(driver);
  });
  afterAll(async () => {
    redis?.disconnect();
    await driver?.close();
    await database?.drop();
    await server?.stop();
  });

  it('rebuilds an event whose keys were lost: stored and unprojected changes, expiries, idempotency', async () => {
    const gate = new RedisGate({ redis, store, useCommandTime: true });
    const s = spec({ maxPerUser: 3 });
    const now = Date.now();
    await store.createEvent(s, now);
    await gate.createEvent(s);
    const place = (userId: string, request: object, key?: string, confirm = false) =>
      gate.placeHold({
        eventId: s.id,
        request: { userId, ...request },
        idempotencyKey: key,
        confirm,
        nowMs: now,
      });
    const a = await place('a', { quantity: 2, poolId: 'ga' }, 'key-a');
    const b = await place('b', { seats: ['A-1-2', 'A-1-3'] }, undefined, true);
    if (!a.ok || a.kind !== 'placed' || !b.ok) throw new Error('not placed');
    // Half of the log reaches the store (as if projected), half stays only in the stream.
    const rows = (await redis.xrange(eventKeys(s.id).log, '-', '+')) as [string, string[]][];
    const { decodeEntry, entryJsonOf } = await import('../../src/gate/redis/log-stream.js');
    await store.appendEntries(rows.slice(0, 1).map(([, f]) => decodeEntry(entryJsonOf(f) as string)));
    const before = await gate.eventState(s.id);
    const seatsBefore = await gate.seatStates(s.id);
    // Redis loses the event's keys but its log and the marker in its counts (an AOF-less restart would lose
    // those too: see the next test).
    const keys = eventKeys(s.id);
    await redis.del(keys.spec, keys.seats, keys.holds, keys.expiry, keys.users);
    await redis.del(keys.idempotency, keys.idempotencyAge, keys.idempotencyByBuyer);
    const fresh = new RedisGate({ redis, store, useCommandTime: true });
    expect(await fresh.eventState(s.id)).toEqual(before);
    expect(await fresh.seatStates(s.id)).toEqual(seatsBefore);
    expect(await fresh.getHold(a.hold.id)).toEqual(a.hold);
    // The rebuilt gate remembers the idempotency key and the user's items, and still expires the hold.
    const retry = await fresh.placeHold({
      eventId: s.id,
      request: { userId: 'a', quantity: 2, poolId: 'ga' },
      idempotencyKey: 'key-a',
      confirm: false,
      nowMs: now,
    });
    expect(retry).toMatchObject({ ok: true, kind: 'replayed', holdId: a.hold.id });
    // The rebuilt key is still a's own: c sending it is a new request of c's.
    const other = await place('c', { quantity: 1, poolId: 'ga' }, 'key-a');
    expect(other).toMatchObject({ ok: true, kind: 'placed', hold: { userId: 'c' } });
    if (other.ok && other.kind === 'placed') await fresh.releaseHold(other.hold.id, now);
    expect(await place('a', { seats: ['A-1-1', 'A-1-4'] })).toMatchObject({
      ok: false,
      code: 'limit_exceeded',
    });
    const swept = await fresh.sweepExpired(now + 60_000);
    expect(swept.expired).toBe(1);
    expect((await fresh.eventState(s.id))?.pools[0]).toMatchObject({ held: 0, available: 3 });
    // Every entry of the stream is in the store now: the rebuild projected the unprojected tail first.
    const order = b.ok && b.kind === 'placed' ? b.order : undefined;
    expect(await store.getOrder(order?.id ?? 'none')).toEqual({ ...order, createdAtMs: now });
  });

  it('stops selling an event Redis lost whole, until a forced rebuild (reconcile) starts a new epoch', async () => {
    const gate = withUnavailableErrors(new RedisGate({ redis, store, useCommandTime: true }));
    const s = spec();
    await store.createEvent(s, Date.now());
    await gate.createEvent(s);
    const place = () =>
      gate.placeHold({
        eventId: s.id,
        request: { userId: 'a', quantity: 1, poolId: 'ga' },
        confirm: false,
        nowMs: Date.now(),
      });
    expect((await place()).ok).toBe(true);
    // As after a restart without persistence: every key of the event is gone, its marker and log too.
    const keys = eventKeys(s.id);
    await redis.del(keys.spec, keys.seats, keys.counts, keys.holds, keys.expiry, keys.users, keys.log);
    const fresh = new RedisGate({ redis, store, useCommandTime: true });
    await expect(
      withUnavailableErrors(fresh).placeHold({
        eventId: s.id,
        request: { userId: 'b', quantity: 1, poolId: 'ga' },
        confirm: false,
        nowMs: Date.now(),
      }),
    ).rejects.toMatchObject({ code: 'event_needs_reconcile' });
    expect(await redis.exists(keys.spec)).toBe(0);
    expect((await store.gateStanding(s.id))?.lost).toMatch(/Redis lost the gate state of epoch 1/);
    const audit = await auditStream(s.id, fresh, store);
    expect(audit).toMatchObject({ consistent: false, gateLost: expect.stringContaining('Redis lost') });
    // Another instance, later: still refused (the flag is in the store), never rebuilt silently.
    const other = new RedisGate({ redis, store, useCommandTime: true });
    expect(await other.rebuild(s.id)).toBe('lost');
    expect(await other.rebuild(s.id, true)).toBe('rebuilt');
    expect(await store.gateStanding(s.id)).toEqual({ epoch: 2 });
    expect(await redis.hget(keys.counts, 'epoch')).toBe('2');
    expect(
      (
        await fresh.placeHold({
          eventId: s.id,
          request: { userId: 'b', quantity: 1, poolId: 'ga' },
          confirm: false,
          nowMs: Date.now() + 2_000,
        })
      ).ok,
    ).toBe(true);
    expect(await auditStream(s.id, fresh, store)).toMatchObject({ consistent: true });
  });

  it('answers store_unavailable, not gate_unavailable, when a rebuild cannot reach the store', async () => {
    const s = spec();
    await store.createEvent(s, Date.now());
    const unreachable = new SqlStore(
      new PostgresDriver(`postgres://postgres@127.0.0.1:${await freePort()}/none`),
    );
    try {
      const gate = withUnavailableErrors(new RedisGate({ redis, store: unreachable, useCommandTime: true }));
      await expect(
        gate.placeHold({
          eventId: s.id,
          request: { userId: 'a', quantity: 1, poolId: 'ga' },
          confirm: false,
          nowMs: Date.now(),
        }),
      ).rejects.toMatchObject({ name: 'DomainError', code: 'store_unavailable' });
    } finally {
      await unreachable.close();
    }
  });

  it('answers gate_unavailable (503), not a 500, while another instance holds the rebuild lock past its time', async () => {
    const s = spec();
    await store.createEvent(s, Date.now());
    // An instance that took the lock and died: the lock outlives it until its expiry.
    await redis.set(eventKeys(s.id).rebuildLock, 'another-instance', 'PX', 60_000);
    await expect(
      rebuildEvent(s.id, { redis, scripts: undefined as never, store, nowMs: Date.now(), lockMs: 200 }),
    ).rejects.toMatchObject({ name: 'DomainError', code: 'gate_unavailable' });
    expect(errorStatus.gate_unavailable).toBe(503);
  });

  it("audits the event's units-on-sale counter against its pools: a counter that drifted is reported", async () => {
    const s = spec();
    await store.createEvent(s, Date.now());
    const gate = new RedisGate({ redis, store, useCommandTime: true });
    await gate.createEvent(s);
    await gate.placeHold({
      eventId: s.id,
      request: { userId: 'a', quantity: 2, poolId: 'ga' },
      confirm: false,
      nowMs: Date.now(),
    });
    const before = await auditStream(s.id, gate, store);
    expect(before).toMatchObject({ counterDrift: 0, gate: { held: 2 } });
    // As a script that forgot to count a placement would leave it: the sell-out mark would come one unit late.
    await redis.hincrby(eventKeys(s.id).counts, COUNT_FIELDS.available, 1);
    const after = await auditStream(s.id, gate, store);
    expect(after).toMatchObject({ counterDrift: 1, consistent: false });
  });

  it('asks the store about a made-up event once, not on every request', async () => {
    const queries: string[] = [];
    const counting = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          queries.push(String(property));
          return value.apply(target, args);
        };
      },
    });
    const gate = new RedisGate({ redis, store: counting, useCommandTime: true });
    for (let i = 0; i < 20; i++) {
      const outcome = await gate.placeHold({
        eventId: 'made-up',
        request: { userId: 'u', quantity: 1 },
        confirm: false,
        nowMs: 0,
      });
      expect(outcome).toMatchObject({ ok: false, code: 'event_not_found' });
    }
    expect(queries).toEqual(['gateStanding']);
    // Created here afterwards, it is found at once.
    const s = spec({ id: 'made-up' } as Partial<EventSpec>);
    await store.createEvent(s, Date.now());
    await gate.createEvent(s);
    expect(
      (
        await gate.placeHold({
          eventId: 'made-up',
          request: { userId: 'u', quantity: 1, poolId: 'ga' },
          confirm: false,
          nowMs: Date.now(),
        })
      ).ok,
    ).toBe(true);
  });

  it('a forced rebuild (reconcile) repairs drifted counts from the store', async () => {
    const gate = new RedisGate({ redis, store, useCommandTime: true });
    const s = spec();
    await store.createEvent(s, Date.now());
    await gate.createEvent(s);
    await gate.placeHold({
      eventId: s.id,
      request: { userId: 'a', quantity: 1, poolId: 'ga' },
      confirm: true,
      nowMs: Date.now(),
    });
    await redis.hincrby(eventKeys(s.id).counts, 'p:ga:held', 2);
    expect((await gate.eventState(s.id))?.pools[0]?.held).toBe(2);
    expect(await gate.rebuild(s.id, true)).toBe('rebuilt');
    expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ held: 0, sold: 1, available: 2 });
    expect(await gate.rebuild('no-such-event')).toBe('unknown');
  });

  it('gives the seat map a new version when a rebuild reloads it, even without a new log entry', async () => {
    const gate = new RedisGate({ redis, store, useCommandTime: true });
    const s = spec();
    await store.createEvent(s, Date.now());
    await gate.createEvent(s);
    // Drift outside any script: the bytes change, the log (and so the version) does not.
    await redis.setrange(eventKeys(s.id).seats, 0, 's');
    const drifted = await gate.seatMap(s.id);
    expect(drifted?.states.toString('latin1').startsWith('s')).toBe(true);
    expect(await gate.rebuild(s.id, true)).toBe('rebuilt');
    const repaired = await gate.seatMap(s.id);
    expect(repaired?.version).not.toBe(drifted?.version);
    expect(repaired?.states.toString('latin1')).toBe('0'.repeat(repaired?.states.length ?? 0));
  });
});

describe.runIf(redisHere)('Redis gate on a cluster', () => {
  it('spreads events over the shards, each event on one slot', async () => {
    const cluster = await startRedisCluster();
    const client = new Cluster([...cluster.nodes]);
    try {
      const gate = new RedisGate({ redis: client });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const s = spec();
        ids.push(s.id);
        await gate.createEvent(s);
        await gate.placeHold({
          eventId: s.id,
          request: { userId: 'u', quantity: 1, poolId: 'ga' },
          confirm: false,
          nowMs: 0,
        });
      }
      expect(new Set(await gate.eventIds())).toEqual(new Set(ids));
      const sizes = await Promise.all(client.nodes('master').map((node) => node.dbsize()));
      // 12 events over 3 masters: at least two masters hold events (registry key aside).
      expect(sizes.filter((size) => size > 1).length).toBeGreaterThanOrEqual(2);
      expect(await client.exists(EVENTS_KEY)).toBe(1);
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  });
});
