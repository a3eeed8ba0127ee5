// The embedded shape's log file and its projection into the store, end to end through the API: the store
// lags behind the log while a slow store projects, placements wait for room in a bounded log instead of
// growing it, nothing acknowledged is lost, a restart applies the unprojected tail before the gate is
// rebuilt from the store, and an entry the store refuses alone goes to the log's dead letters instead of
// holding the projection (and every read) back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/domain/log-entry.js';
import { logDirOf } from '../../src/log/file/log-dir.js';
import { PROJECTION_GROUP } from '../../src/log/log.js';
import type { SqlDriver, SqlExecutor } from '../../src/store/sql-driver.js';
import { capturedLogger } from '../support/captured-logger.js';
import {
  admin,
  eventBody,
  freshDataDir,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';

/**
 * Store transactions (the projection's writes) that take `delayMs` longer, or, while `stuck`, wait and then
 * fail once unstuck (a store that never took them).
 */
class SlowStore {
  delayMs = 0;
  stuck = false;
  #unstick: (() => void)[] = [];
  unstick(): void {
    this.stuck = false;
    for (const go of this.#unstick.splice(0)) go();
  }
  wrap = (real: SqlDriver): SqlDriver => ({
    query: (text, values) => real.query(text, values),
    exec: (script) => real.exec(script),
    close: () => real.close(),
    transaction: async <T>(work: (tx: SqlExecutor) => Promise<T>) => {
      if (this.stuck) {
        await new Promise<void>((resolve) => this.#unstick.push(resolve));
        throw new Error('the store never took this batch');
      }
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      return real.transaction(work);
    },
  });
}

/** Store transactions that write a row of `userId` fail as a check constraint would; the rest pass. */
class RefusedBuyer {
  constructor(readonly userId: string) {}
  wrap = (real: SqlDriver): SqlDriver => ({
    query: (text, values) => real.query(text, values),
    exec: (script) => real.exec(script),
    close: () => real.close(),
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) =>
      real.transaction((tx) =>
        work({
          query: (text, values = []) => {
            if (JSON.stringify(values).includes(this.userId))
              throw Object.assign(new Error(`refused a row of ${this.userId}`), { code: '23514' });
            return tx.query(text, values);
          },
        }),
      ),
  });
}

const started: TestEmbedded[] = [];
const removals: (() => void)[] = [];
afterEach(async () => {
  for (const bo of started.splice(0)) await bo.close().catch(() => {});
  for (const remove of removals.splice(0)) remove();
});

async function createEvent(bo: TestEmbedded, capacity: number): Promise<string> {
  const eventId = uniqueEventId('log');
  const created = await bo.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: admin,
    payload: eventBody(eventId, { pools: [{ id: 'ga', capacity, price: 5 }], maxPerUser: 10 }),
  });
  expect(created.statusCode).toBe(201);
  return eventId;
}

describe('the embedded log and its projection', () => {
  it('a slow projection holds placements back at the log bound, and loses none of them', async () => {
    const fresh = freshDataDir();
    removals.push(fresh.remove);
    const slow = new SlowStore();
    const maxBytes = 32 * 1024;
    const bo = await startEmbedded({ dataDir: fresh.dataDir, wrapDriver: slow.wrap, logMaxBytes: maxBytes });
    started.push(bo);
    const eventId = await createEvent(bo, 1000);
    slow.delayMs = 40;
    let largest = 0;
    const sampler = setInterval(() => {
      largest = Math.max(largest, (bo.log as unknown as { diskBytes(): number }).diskBytes());
    }, 2);
    const placements = 400;
    const statuses: number[] = [];
    // 16 buyers at a time, each placing one order after another: a bounded load.
    await Promise.all(
      Array.from({ length: 16 }, async (_, worker) => {
        for (let n = worker; n < placements; n += 16) {
          const placed = await bo.app.inject({
            method: 'POST',
            url: `/v1/events/${eventId}/orders`,
            payload: { userId: `u-${n}`, quantity: 1, poolId: 'ga' },
          });
          statuses.push(placed.statusCode);
        }
      }),
    );
    clearInterval(sampler);
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    // ~400 entries of a few hundred bytes each went through a log that never held more than its bound.
    expect(largest).toBeLessThanOrEqual(maxBytes);
    expect(bo.journal.pending()).toEqual([]);
    const stats = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/stats`, headers: admin });
    expect(stats.json()).toMatchObject({ sold: placements });
    const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
    expect(audit.json()).toMatchObject({ consistent: true, unprojected: 0, store: { tickets: placements } });
  });

  it('a restart applies the unprojected tail of the log to the store before the gate is rebuilt', async () => {
    const fresh = freshDataDir();
    removals.push(fresh.remove);
    const slow = new SlowStore();
    const bo = await startEmbedded({ dataDir: fresh.dataDir, wrapDriver: slow.wrap });
    started.push(bo);
    const eventId = await createEvent(bo, 5);
    // The store takes nothing from here on: everything below is in the log only.
    slow.stuck = true;
    for (const n of [1, 2, 3]) {
      const placed = await bo.app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/orders`,
        payload: { userId: `u-${n}`, quantity: 1, poolId: 'ga' },
      });
      expect(placed.statusCode).toBe(201);
    }
    // Each order is two entries (placed, confirmed).
    expect(bo.projection.lag()).toBe(6);
    // Close while the projection is stuck; its batch fails once released, so that close can finish.
    const closing = bo.close();
    slow.unstick();
    await closing;
    started.pop();

    const again = await startEmbedded({ dataDir: fresh.dataDir });
    started.push(again);
    const event = await again.app.inject({ method: 'GET', url: `/v1/events/${eventId}` });
    expect(event.json()).toMatchObject({ sold: 3, available: 2 });
    const after = await again.app.inject({
      method: 'GET',
      url: `/v1/events/${eventId}/audit`,
      headers: admin,
    });
    expect(after.json()).toMatchObject({ consistent: true, unprojected: 0, store: { tickets: 3 } });
  });

  it('the audit counts what the log holds and the store does not show yet', async () => {
    const fresh = freshDataDir();
    removals.push(fresh.remove);
    const bo = await startEmbedded({ dataDir: fresh.dataDir });
    started.push(bo);
    const eventId = await createEvent(bo, 5);
    // No projection from here on: the orders are in the log only.
    await bo.projection.stop();
    for (const n of [1, 2]) {
      const placed = await bo.app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/orders`,
        payload: { userId: `u-${n}`, quantity: 1, poolId: 'ga' },
      });
      expect(placed.statusCode).toBe(201);
    }
    // The audit waits for the projection (bounded), then compares gate, log tail and store as they are.
    const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
    expect(audit.json()).toMatchObject({
      consistent: true,
      unprojected: 4,
      gate: { sold: 2 },
      store: { tickets: 0 },
      drift: { sold: 0, held: 0 },
    });
  });

  it('dead-letters an entry the store refuses alone, after its retries, and projects the rest', async () => {
    const fresh = freshDataDir();
    removals.push(fresh.remove);
    const refused = new RefusedBuyer('u-refused');
    const bo = await startEmbedded({ dataDir: fresh.dataDir, wrapDriver: refused.wrap });
    started.push(bo);
    const eventId = await createEvent(bo, 5);
    const placed = await Promise.all(
      ['u-1', 'u-refused', 'u-2'].map((userId) =>
        bo.app.inject({
          method: 'POST',
          url: `/v1/events/${eventId}/orders`,
          payload: { userId, quantity: 1, poolId: 'ga' },
        }),
      ),
    );
    expect(placed.map((response) => response.statusCode)).toEqual([201, 201, 201]);
    // The read waits while the refused entries are retried (0.1 + 0.2 + 0.4 + 0.8 s), then answers.
    const read = await bo.app.inject({ method: 'GET', url: `/v1/orders/${placed[0]?.json().orderId}` });
    expect(read.statusCode).toBe(200);
    expect(bo.projection.lag()).toBe(0);
    const letters = readFileSync(join(logDirOf(fresh.dataDir), `${PROJECTION_GROUP}.dead`), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { error: string; entry: LogEntry & { hold: { userId: string } } });
    // Both entries of the refused order (placed, confirmed); every other entry is in the store.
    expect(letters.map((letter) => [letter.entry.type, letter.entry.hold.userId, letter.error])).toEqual([
      ['hold_placed', 'u-refused', 'refused a row of u-refused'],
      ['hold_confirmed', 'u-refused', 'refused a row of u-refused'],
    ]);
    const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
    // The store lacks what was dead-lettered: the audit counts the dead letters and shows the drift they
    // leave, not an unprojected tail.
    expect(audit.json()).toMatchObject({
      consistent: false,
      deadLetters: 2,
      unprojected: 0,
      gate: { sold: 3 },
      store: { tickets: 2 },
      drift: { sold: 1 },
    });
    // Started again, the gate is rebuilt from the store, which lacks them: the start says so.
    started.splice(started.indexOf(bo), 1);
    await bo.close();
    const log = capturedLogger();
    started.push(await startEmbedded({ dataDir: fresh.dataDir, logger: log.logger }));
    expect(log.text()).toContain('"deadLetters":2');
    expect(log.text()).toContain('the log holds entries the store refused (dead letters)');
  });
});
