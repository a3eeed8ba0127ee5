// One projector worker against a throwaway PostgreSQL database, over each log adapter (Redis streams on a
// private redis-server, the log file): every entry ends in the store exactly once, is acknowledged, and is
// trimmed. On Redis streams: trimming keeps what is pending or undelivered; `unprojected` counts exactly what
// the group has not acknowledged.
import type { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { EVENTS_KEY, eventKeys, PROJECTOR_GROUP } from '../../src/gate/redis/keys.js';
import { ensureGroup, trimAcknowledged } from '../../src/log/redis/stream-group.js';
import { unacknowledgedCount as unprojected } from '../../src/log/redis/unacknowledged.js';
import { uniqueEventId } from '../support/embedded.js';
import {
  appendToLog,
  type Database,
  eventSpec,
  expectedCounts,
  saleOf,
  servicesAvailable,
  storeCounts,
  testMetrics,
  until,
  useSuiteServices,
} from './fixtures.js';
import { LOG_ADAPTERS, type LogUnderTest, useServicesWithLog } from './log-adapters.js';

const available = await servicesAvailable();

describe.skipIf(!available).each(LOG_ADAPTERS)('projector: one worker over the $name log', (adapter) => {
  let db: Database;
  let log: LogUnderTest;

  useServicesWithLog(adapter, (suite) => {
    ({ db, log } = suite);
  });

  it('projects every entry of every event exactly once, acknowledges and trims them', async () => {
    const events = [uniqueEventId(), uniqueEventId(), uniqueEventId()];
    const sales = events.map((eventId, i) => saleOf(eventId, 120 + i * 40));
    for (const [i, eventId] of events.entries()) {
      await db.store.createEvent(eventSpec(eventId), 0);
      await log.append(eventId, sales[i]?.entries ?? []);
    }
    const total = sales.reduce((sum, sale) => sum + sale.entries.length, 0);
    const meter = testMetrics();
    const projector = log.projector({
      store: db.store,
      consumer: 'solo',
      metrics: meter.metrics,
      batchMax: 97,
    });
    expect(await projector.drain(20_000)).toBe(total);

    for (const [i, eventId] of events.entries()) {
      expect(await storeCounts(db.driver, eventId)).toEqual(expectedCounts(sales[i] as never));
      expect(await log.unprojected(eventId)).toBe(0);
      expect(await log.trimmed(eventId)).toBe(true);
      expect(await log.deadLetterErrors(eventId)).toEqual([]);
    }
    expect(await meter.value('boxoffice_projector_entries_total')).toBe(total);
    expect(await meter.value('boxoffice_projector_failed_batches_total')).toBe(0);
    // Nothing is left to read: a second drain takes nothing.
    expect(await projector.drain(1_000)).toBe(0);
  });

  it.each(['start', 'drain'])(
    'with several lanes (%s), commits batches side by side and still projects every entry exactly once',
    async (run) => {
      const eventId = uniqueEventId();
      const sale = saleOf(eventId, 600);
      await db.store.createEvent(eventSpec(eventId), 0);
      await log.append(eventId, sale.entries);
      let inFlight = 0;
      let mostInFlight = 0;
      const store = {
        ping: () => db.store.ping(),
        async appendEntries(entries: Parameters<typeof db.store.appendEntries>[0]) {
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          try {
            return await db.store.appendEntries(entries);
          } finally {
            inFlight--;
          }
        },
      };
      const projector = log.projector({ store, consumer: 'laned', lanes: 3, batchMax: 50, gatherWaitMs: 0 });
      if (run === 'drain') expect(await projector.drain(20_000)).toBe(sale.entries.length);
      else {
        const running = projector.start();
        await until(async () => (await log.unprojected(eventId)) === 0, 20_000, 'the backlog');
        await projector.stop();
        await running;
      }
      expect(mostInFlight).toBeGreaterThan(1);
      expect(await storeCounts(db.driver, eventId)).toEqual(expectedCounts(sale));
      expect(await log.deadLetterErrors(eventId)).toEqual([]);
    },
  );

  it('runs from start() to stop(), finds events registered later and projects what arrives meanwhile', async () => {
    const first = uniqueEventId();
    const later = uniqueEventId();
    await db.store.createEvent(eventSpec(first), 0);
    await db.store.createEvent(eventSpec(later), 0);
    const projector = log.projector({ store: db.store, consumer: 'looping', idleWaitMs: 50 });
    const running = projector.start();
    const a = saleOf(first, 50);
    const b = saleOf(later, 30);
    await log.append(first, a.entries);
    await until(async () => (await storeCounts(db.driver, first)).holds === a.holds, 10_000, 'first event');
    await log.append(later, b.entries);
    await until(async () => (await log.unprojected(later)) === 0, 10_000, 'the later event');
    await projector.stop();
    await running;
    expect(await storeCounts(db.driver, first)).toEqual(expectedCounts(a));
    expect(await storeCounts(db.driver, later)).toEqual(expectedCounts(b));
  });
});

describe.skipIf(!available)('projector: the Redis streams of one worker', () => {
  let redis: Redis;

  useSuiteServices((services) => {
    ({ redis } = services);
  });

  it('counts unprojected entries exactly: pending plus undelivered', async () => {
    const eventId = uniqueEventId();
    const key = eventKeys(eventId).log;
    expect(await unprojected(redis, eventId)).toBe(0);
    await appendToLog(redis, eventId, ['{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}']);
    // No group yet: every entry is unprojected.
    expect(await unprojected(redis, eventId)).toBe(10);
    await ensureGroup(redis, eventId, PROJECTOR_GROUP);
    const read = (await redis.xreadgroup(
      'GROUP',
      PROJECTOR_GROUP,
      'probe',
      'COUNT',
      4,
      'STREAMS',
      key,
      '>',
    )) as [string, [string, string[]][]][];
    const ids = read[0]?.[1].map(([id]) => id) ?? [];
    expect(await unprojected(redis, eventId)).toBe(10);
    await redis.xack(key, PROJECTOR_GROUP, ids[0] as string, ids[1] as string);
    expect(await unprojected(redis, eventId)).toBe(8);
    await redis.xack(key, PROJECTOR_GROUP, ids[3] as string);
    expect(await unprojected(redis, eventId)).toBe(7);
    await redis.srem(EVENTS_KEY, eventId);
  });

  it('trims only acknowledged entries older than the oldest pending one', async () => {
    const eventId = uniqueEventId();
    const key = eventKeys(eventId).log;
    await appendToLog(redis, eventId, ['{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}']);
    await ensureGroup(redis, eventId, PROJECTOR_GROUP);
    await trimAcknowledged(redis, eventId, 0);
    expect(await redis.xlen(key)).toBe(10);
    const read = (await redis.xreadgroup(
      'GROUP',
      PROJECTOR_GROUP,
      'probe',
      'COUNT',
      5,
      'STREAMS',
      key,
      '>',
    )) as [string, [string, string[]][]][];
    const ids = read[0]?.[1].map(([id]) => id) ?? [];
    // Entries 1, 2, 4 and 5 acknowledged; 3 pending; 6 to 10 never delivered.
    await redis.xack(key, PROJECTOR_GROUP, ...ids.filter((_, i) => i !== 2));
    await trimAcknowledged(redis, eventId, 0);
    expect(await redis.xlen(key)).toBe(8);
    expect((await redis.xrange(key, '-', '+', 'COUNT', 1))[0]?.[0]).toBe(ids[2]);
    expect(await unprojected(redis, eventId)).toBe(6);
    await redis.xack(key, PROJECTOR_GROUP, ids[2] as string);
    await trimAcknowledged(redis, eventId, 0);
    // Everything delivered is acknowledged: only the undelivered five stay.
    expect(await redis.xlen(key)).toBe(5);
    expect(await unprojected(redis, eventId)).toBe(5);
    await redis.srem(EVENTS_KEY, eventId);
  });

  it('with no margin trims entries appended in the current millisecond', async () => {
    const eventId = uniqueEventId();
    const key = eventKeys(eventId).log;
    await appendToLog(redis, eventId, ['{}', '{}', '{}']);
    await ensureGroup(redis, eventId, PROJECTOR_GROUP);
    await redis.xreadgroup('GROUP', PROJECTOR_GROUP, 'probe', 'COUNT', 3, 'STREAMS', key, '>');
    const ids = (await redis.xrange(key, '-', '+')).map(([id]) => id);
    await redis.xack(key, PROJECTOR_GROUP, ...ids);
    // The clock still reads the millisecond the entries were appended in (a fast machine does this).
    const now = vi.spyOn(Date, 'now').mockReturnValue(Number(ids[2]?.split('-')[0]));
    try {
      await trimAcknowledged(redis, eventId, 0);
    } finally {
      now.mockRestore();
    }
    expect(await redis.xlen(key)).toBe(0);
    await redis.srem(EVENTS_KEY, eventId);
  });
});
