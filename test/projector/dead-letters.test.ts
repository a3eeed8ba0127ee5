// Poison entries: one that cannot be decoded goes to the event's dead-letter stream at once; one the store
// refuses (a second ticket for a seat) is isolated from its batch, delivered again after claimIdleMs, and
// dead-lettered at maxDeliveries. The healthy entries of their batch land; the metrics count both. The
// store's refusal is isolated alike over each log adapter: Redis streams, and the log file, whose dead
// letters go to `<group>.dead` beside its segments (one JSON line each: id, error, entry).
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { distributedProjector } from '../../src/distributed-projector.js';
import { newHold } from '../../src/domain/hold.js';
import type { LogEntry } from '../../src/domain/log-entry.js';
import { eventKeys } from '../../src/gate/redis/keys.js';
import { unacknowledgedCount as unprojected } from '../../src/log/redis/unacknowledged.js';
import { uniqueEventId } from '../support/embedded.js';
import {
  appendToLog,
  type Database,
  endingOf,
  eventSpec,
  NOW,
  servicesAvailable,
  storeCounts,
  streamJsonOf,
  testMetrics,
  useSuiteServices,
} from './fixtures.js';
import { LOG_ADAPTERS, type LogUnderTest, useServicesWithLog } from './log-adapters.js';

const available = await servicesAvailable();

describe.skipIf(!available)('projector: dead letters', () => {
  let redis: Redis;
  let db: Database;

  useSuiteServices((services) => {
    ({ redis, db } = services);
  });

  it('moves poison entries to {ev:<id>}:dead, counted, while the healthy entries of their batch land', async () => {
    const eventId = uniqueEventId();
    await db.store.createEvent(eventSpec(eventId), 0);
    const seat = (userId: string) =>
      newHold(eventId, userId, [{ seatId: 'A-1-1', quantity: 1, price: 5000 }], NOW, 300);
    const first = seat('u1');
    // A gate gone wrong: a second hold on the same seat, confirmed too. The store refuses its ticket.
    const second = seat('u2');
    const bystanders = Array.from({ length: 20 }, (_, i) =>
      newHold(eventId, `b${i}`, [{ poolId: 'ga', quantity: 1, price: 1000 }], NOW, 300),
    );
    const healthy: LogEntry[] = [
      ...bystanders.map((hold): LogEntry => ({ type: 'hold_placed', eventId, atMs: NOW, hold })),
      { type: 'hold_placed', eventId, atMs: NOW, hold: first },
      endingOf('hold_confirmed', first, NOW + 1),
      { type: 'hold_placed', eventId, atMs: NOW, hold: second },
      ...bystanders.slice(0, 10).map((hold) => endingOf('hold_confirmed', hold, NOW + 2)),
    ];
    const doubleBooking = streamJsonOf(endingOf('hold_confirmed', second, NOW + 3));
    await appendToLog(redis, eventId, [
      ...healthy.slice(0, 10).map(streamJsonOf),
      '{"type":"hold_placed", this is not JSON',
      ...healthy.slice(10, 20).map(streamJsonOf),
      JSON.stringify({ type: 'hold_teleported', eventId, atMs: NOW, hold: first }),
      // The first confirmation of the seat comes before the second in the log, and in the batch.
      ...healthy.slice(20, 22).map(streamJsonOf),
      doubleBooking,
      ...healthy.slice(22).map(streamJsonOf),
    ]);
    await appendToLog(redis, eventId, ['{}'], 'not-e');

    const meter = testMetrics();
    const projector = distributedProjector({
      trimMarginMs: 0,
      redis,
      store: db.store,
      consumer: 'careful',
      metrics: meter.metrics,
      maxDeliveries: 2,
      claimIdleMs: 200,
      idleWaitMs: 20,
    });
    await projector.drain(10_000);

    const letters = await redis.xrange(eventKeys(eventId).deadLetters, '-', '+');
    const fields = letters.map(([, values]) => Object.fromEntries(pairs(values)));
    expect(fields.map((letter) => letter.error)).toEqual([
      expect.stringContaining('JSON'),
      'Unknown log entry type hold_teleported.',
      'The stream entry has no log entry field.',
      expect.stringContaining('tickets_one_per_seat'),
    ]);
    expect(fields[3]).toMatchObject({ e: doubleBooking, consumer: 'careful' });
    expect(fields.every((letter) => /^\d+-\d+$/.test(letter.id ?? ''))).toBe(true);
    expect(await meter.value('boxoffice_projector_dead_letters_total')).toBe(4);
    expect(await meter.value('boxoffice_projector_failed_batches_total')).toBeGreaterThan(0);
    // Every healthy entry landed: 22 holds, 11 of them confirmed; the second hold stays held.
    expect(await storeCounts(db.driver, eventId)).toEqual({
      holds: 22,
      confirmed: 11,
      orders: 11,
      tickets: 11,
    });
    expect((await db.store.getHold(second.id))?.status).toBe('held');
    expect(await db.store.audit(eventId)).toMatchObject({ phantom: 0 });
    expect(await unprojected(redis, eventId)).toBe(0);
    expect(await redis.xlen(eventKeys(eventId).log)).toBe(0);
  });
});

describe.skipIf(!available).each(LOG_ADAPTERS)(
  'projector: a double booking over the $name log',
  (adapter) => {
    let db: Database;
    let log: LogUnderTest;

    useServicesWithLog(adapter, (suite) => {
      ({ db, log } = suite);
    });

    it('isolates the entry the store refuses, dead-letters it at maxDeliveries and lands the rest', async () => {
      const eventId = uniqueEventId();
      await db.store.createEvent(eventSpec(eventId), 0);
      const seat = (userId: string) =>
        newHold(eventId, userId, [{ seatId: 'A-1-1', quantity: 1, price: 5000 }], NOW, 300);
      const [first, second] = [seat('u1'), seat('u2')];
      const bystanders = Array.from({ length: 12 }, (_, i) =>
        newHold(eventId, `b${i}`, [{ poolId: 'ga', quantity: 1, price: 1000 }], NOW, 300),
      );
      await log.append(eventId, [
        ...bystanders.map((hold): LogEntry => ({ type: 'hold_placed', eventId, atMs: NOW, hold })),
        { type: 'hold_placed', eventId, atMs: NOW, hold: first },
        endingOf('hold_confirmed', first, NOW + 1),
        { type: 'hold_placed', eventId, atMs: NOW, hold: second },
        endingOf('hold_confirmed', second, NOW + 2),
        ...bystanders.slice(0, 6).map((hold) => endingOf('hold_confirmed', hold, NOW + 3)),
      ]);
      const meter = testMetrics();
      const projector = log.projector({
        store: db.store,
        consumer: 'careful',
        metrics: meter.metrics,
        maxDeliveries: 2,
        claimIdleMs: 200,
        idleWaitMs: 20,
      });
      await projector.drain(10_000);
      expect(await log.deadLetterErrors(eventId)).toEqual([expect.stringContaining('tickets_one_per_seat')]);
      expect(await meter.value('boxoffice_projector_dead_letters_total')).toBe(1);
      expect(await storeCounts(db.driver, eventId)).toEqual({
        holds: 14,
        confirmed: 7,
        orders: 7,
        tickets: 7,
      });
      expect((await db.store.getHold(second.id))?.status).toBe('held');
      expect(await log.unprojected(eventId)).toBe(0);
      expect(await log.trimmed(eventId)).toBe(true);
    });
  },
);

function pairs(values: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i + 1 < values.length; i += 2) result.push([values[i] as string, values[i + 1] as string]);
  return result;
}
