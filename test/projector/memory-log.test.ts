// The projector sees only the log and store ports: over the memory log and a PGlite store it projects a
// sale as it does over Redis streams and PostgreSQL. And the `projected` hook (the distributed shape forgets
// the gate's ending records there) runs before the acknowledgement: when it fails, the batch stays pending
// and is projected, hook and all, again.
import { describe, expect, it } from 'vitest';
import { PROJECTION_GROUP } from '../../src/log/log.js';
import { MemoryLog } from '../../src/log/memory/memory-log.js';
import { Projector } from '../../src/projector/projector.js';
import { PgliteDriver } from '../../src/store/pglite/pglite-driver.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { freshDataDir, uniqueEventId } from '../support/embedded.js';
import { eventSpec, expectedCounts, saleOf, storeCounts } from './fixtures.js';

async function withStore<T>(work: (store: SqlStore, driver: PgliteDriver) => Promise<T>): Promise<T> {
  const { dataDir, remove } = freshDataDir();
  const driver = await PgliteDriver.open(dataDir);
  try {
    return await work(new SqlStore(driver), driver);
  } finally {
    await driver.close();
    remove();
  }
}

describe('projector over the memory log', () => {
  it('projects every entry once, acknowledges and trims them', () =>
    withStore(async (store, driver) => {
      const eventId = uniqueEventId();
      await store.createEvent(eventSpec(eventId), 0);
      const sale = saleOf(eventId, 90);
      const log = new MemoryLog();
      await log.append(sale.entries);
      const projector = new Projector({ log, store, consumer: 'solo', batchMax: 25 });
      expect(await projector.drain(10_000)).toBe(sale.entries.length);
      expect(await storeCounts(driver, eventId)).toEqual(expectedCounts(sale));
      expect(await log.positions()).toEqual([{ group: PROJECTION_GROUP, pending: 0, lag: 0 }]);
      expect(await log.unacknowledged(PROJECTION_GROUP, eventId)).toEqual([]);
      expect(await log.trim()).toBe(0); // drain trimmed already
    }));

  it('leaves a batch pending when the projected hook fails, and runs the hook again with it', () =>
    withStore(async (store, driver) => {
      const eventId = uniqueEventId();
      await store.createEvent(eventSpec(eventId), 0);
      const sale = saleOf(eventId, 10);
      const log = new MemoryLog();
      await log.append(sale.entries);
      const hooked: number[] = [];
      let failures = 1;
      const projector = new Projector({
        log,
        store,
        consumer: 'hooked',
        claimIdleMs: 20,
        idleWaitMs: 5,
        projected: async (records) => {
          hooked.push(records.length);
          if (failures-- > 0) throw new Error('Redis went away');
        },
      });
      await expect(projector.runOnce()).rejects.toThrow('Redis went away');
      expect(await log.positions()).toEqual([
        { group: PROJECTION_GROUP, pending: sale.entries.length, lag: 0 },
      ]);
      expect(await projector.drain(10_000)).toBe(sale.entries.length);
      expect(hooked).toEqual([sale.entries.length, sale.entries.length]);
      expect(await storeCounts(driver, eventId)).toEqual(expectedCounts(sale));
      expect(await log.unacknowledged(PROJECTION_GROUP, eventId)).toEqual([]);
    }));
});
