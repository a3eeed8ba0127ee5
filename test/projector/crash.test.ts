// A worker that dies between its commit and its acknowledgement leaves its entries pending; after claimIdleMs
// another worker claims them (XAUTOCLAIM on Redis streams) and projects them again, which changes nothing: no
// duplicate, no loss. Over each log adapter; on Redis the dead worker's connection is gone too.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/domain/log-entry.js';
import { eventKeys, PROJECTOR_GROUP } from '../../src/gate/redis/keys.js';
import { uniqueEventId } from '../support/embedded.js';
import type { RedisServer } from '../support/redis-server.js';
import {
  type Database,
  eventSpec,
  expectedCounts,
  saleOf,
  servicesAvailable,
  storeCounts,
  testMetrics,
  until,
} from './fixtures.js';
import { LOG_ADAPTERS, type LogUnderTest, useServicesWithLog } from './log-adapters.js';

const available = await servicesAvailable();

describe.skipIf(!available).each(LOG_ADAPTERS)(
  'projector: a worker killed between commit and acknowledgement over the $name log',
  (adapter) => {
    let server: RedisServer;
    let redis: Redis;
    let db: Database;
    let log: LogUnderTest;

    useServicesWithLog(adapter, (suite) => {
      ({ server, redis, db, log } = suite);
    });

    it('leaves its batch pending; another worker claims it and the store holds every entry once', async () => {
      const eventId = uniqueEventId();
      const sale = saleOf(eventId, 80);
      await db.store.createEvent(eventSpec(eventId), 0);
      await log.append(eventId, sale.entries);

      // The doomed worker commits its first batch, then loses its Redis connection for good before the XACK.
      const doomedRedis = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
      doomedRedis.on('error', () => {});
      let committed = 0;
      const doomed = log.projector({
        redis: doomedRedis,
        consumer: 'doomed',
        batchMax: 60,
        store: {
          async appendEntries(entries: readonly LogEntry[]) {
            await db.store.appendEntries(entries);
            committed += entries.length;
            doomedRedis.disconnect();
            // The process is gone: nothing after the commit ever runs.
            return new Promise(() => {});
          },
          ping: () => db.store.ping(),
        },
      });
      void doomed.runOnce();
      await until(async () => committed > 0, 10_000, 'the doomed commit');
      expect(committed).toBe(60);
      expect(await log.unprojected(eventId)).toBe(sale.entries.length);
      if (adapter.name === 'redis') {
        const pending = (await redis.xpending(eventKeys(eventId).log, PROJECTOR_GROUP)) as [
          number,
          ...unknown[],
        ];
        expect(pending[0]).toBe(60);
      }

      const meter = testMetrics();
      const survivor = log.projector({
        store: db.store,
        consumer: 'survivor',
        metrics: meter.metrics,
        claimIdleMs: 300,
        idleWaitMs: 20,
      });
      // The survivor takes the rest at once, and the doomed batch once it has been idle for claimIdleMs: it
      // takes every entry of the log, the doomed 60 included.
      expect(await survivor.drain(10_000)).toBe(sale.entries.length);
      if (adapter.name === 'redis') {
        const consumers = (await redis.xinfo(
          'CONSUMERS',
          eventKeys(eventId).log,
          PROJECTOR_GROUP,
        )) as unknown[][];
        const doomedInfo = consumers
          .map((flat) => Object.fromEntries(pairs(flat)))
          .find((c) => c.name === 'doomed');
        expect(doomedInfo?.pending).toBe(0);
      }
      expect(await meter.value('boxoffice_projector_entries_total')).toBe(sale.entries.length);
      expect(await storeCounts(db.driver, eventId)).toEqual(expectedCounts(sale));
      expect(await db.store.audit(eventId)).toMatchObject({ doubleBooked: 0, phantom: 0 });
      expect(await log.unprojected(eventId)).toBe(0);
      expect(await log.trimmed(eventId)).toBe(true);
    });
  },
);

function pairs(flat: readonly unknown[]): [unknown, unknown][] {
  const result: [unknown, unknown][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([flat[i], flat[i + 1]]);
  return result;
}
