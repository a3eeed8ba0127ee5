// Two workers in one consumer group share the log: each entry is delivered to one of them, no ticket is
// written twice and no confirmation is lost, even when a hold's confirmation commits before its placement.
// Over each log adapter (on Redis, each worker with a connection of its own, as separate processes have).
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { newHold } from '../../src/domain/hold.js';
import type { HoldEntry, LogEntry } from '../../src/domain/log-entry.js';
import type { Store } from '../../src/store/store.js';
import { uniqueEventId } from '../support/embedded.js';
import type { RedisServer } from '../support/redis-server.js';
import {
  type Database,
  endingOf,
  eventSpec,
  expectedCounts,
  NOW,
  type Sale,
  servicesAvailable,
  storeCounts,
  testMetrics,
  wait,
} from './fixtures.js';
import { LOG_ADAPTERS, type LogUnderTest, useServicesWithLog } from './log-adapters.js';

const available = await servicesAvailable();

const GROUP_HOLDS = 5;

/**
 * A log in which every group of GROUP_HOLDS placements is followed by their endings (confirm, release or
 * expire), so that with batches of one group per event, the batch after a placement batch ends its holds.
 */
function interleavedSale(eventId: string, groups: number): { entries: LogEntry[]; sale: Sale } {
  const entries: LogEntry[] = [];
  let confirmed = 0;
  let tickets = 0;
  const endings = ['hold_confirmed', 'hold_released', 'hold_expired'] as const;
  for (let group = 0; group < groups; group++) {
    const holds = Array.from({ length: GROUP_HOLDS }, (_, i) => {
      const n = group * GROUP_HOLDS + i;
      return newHold(eventId, `u${n % 7}`, [{ seatId: `A-1-${n + 1}`, quantity: 1, price: 5000 }], NOW, 300);
    });
    for (const hold of holds) entries.push({ type: 'hold_placed', eventId, atMs: NOW, hold });
    holds.forEach((hold, i) => {
      const type = endings[(group + i) % endings.length] as (typeof endings)[number];
      entries.push(endingOf(type, hold, NOW + 1));
      if (type === 'hold_confirmed') {
        confirmed++;
        tickets++;
      }
    });
  }
  return { entries, sale: { entries, holds: groups * GROUP_HOLDS, confirmed, tickets } };
}

/** Commits of batches with placements are slow, so endings read after them commit first. */
function placementsLate(store: Store, commits: string[][]): Pick<Store, 'appendEntries' | 'ping'> {
  return {
    async appendEntries(entries: readonly LogEntry[]) {
      if (entries.some((entry) => entry.type === 'hold_placed')) await wait(100);
      const outcome = await store.appendEntries(entries);
      commits.push(
        entries.map((entry) => `${entry.type === 'hold_placed' ? 'p' : 'e'} ${(entry as HoldEntry).hold.id}`),
      );
      return outcome;
    },
    ping: () => store.ping(),
  };
}

/** Holds whose ending was committed before their placement. */
function overtaken(commits: readonly string[][]): number {
  const placed = new Set<string>();
  let count = 0;
  for (const batch of commits)
    for (const item of batch) {
      const [kind, holdId] = item.split(' ') as [string, string];
      if (kind === 'p') placed.add(holdId);
      else if (!placed.has(holdId)) count++;
    }
  return count;
}

describe.skipIf(!available).each(LOG_ADAPTERS)(
  'projector: two workers in one group over the $name log',
  (adapter) => {
    let server: RedisServer;
    let redis: Redis;
    let db: Database;
    let log: LogUnderTest;

    useServicesWithLog(adapter, (suite) => {
      ({ server, redis, db, log } = suite);
    });

    it('share the work with no duplicate ticket and no lost confirmation, in any commit order', async () => {
      const events = [uniqueEventId(), uniqueEventId()];
      const logs = events.map((eventId) => interleavedSale(eventId, 12));
      for (const [i, eventId] of events.entries()) {
        await db.store.createEvent(eventSpec(eventId), 0);
        await log.append(eventId, logs[i]?.entries ?? []);
      }
      const total = logs.reduce((sum, log) => sum + log.entries.length, 0);
      // Each worker has its own connections, as separate processes would.
      const redisB = new Redis(server.port, '127.0.0.1');
      const meters = [testMetrics(), testMetrics()];
      const commits: string[][] = [];
      const worker = (client: Redis, consumer: string, i: number) =>
        log.projector({
          redis: client,
          store: placementsLate(db.store, commits),
          consumer,
          metrics: meters[i]?.metrics,
          // One group of each event per batch (Redis reads each event's stream; the log file has one sequence
          // of all events): a placement batch to one worker, its endings to the other.
          batchMax: adapter.name === 'redis' ? GROUP_HOLDS * events.length : GROUP_HOLDS,
        });
      const workers = [worker(redis, 'a', 0), worker(redisB, 'b', 1)];
      const taken = await Promise.all(workers.map((w) => w.drain(30_000)));
      redisB.disconnect();

      // Each entry was delivered once, to one worker; both worked; endings did overtake placements.
      expect(taken[0]).toBeGreaterThan(0);
      expect(taken[1]).toBeGreaterThan(0);
      expect((taken[0] ?? 0) + (taken[1] ?? 0)).toBe(total);
      expect(overtaken(commits)).toBeGreaterThan(0);
      const committed = await Promise.all(meters.map((m) => m.value('boxoffice_projector_entries_total')));
      expect(committed.reduce((sum, count) => sum + count, 0)).toBe(total);
      for (const [i, eventId] of events.entries()) {
        expect(await storeCounts(db.driver, eventId)).toEqual(expectedCounts(logs[i]?.sale as Sale));
        expect(await db.store.audit(eventId)).toMatchObject({ heldItems: 0, doubleBooked: 0, phantom: 0 });
        expect(await log.unprojected(eventId)).toBe(0);
        expect(await log.trimmed(eventId)).toBe(true);
      }
    });
  },
);
