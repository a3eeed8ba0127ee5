// The projector on a 3-master Redis Cluster: the events' streams live on different shards (one hash slot per
// event), each read with its own command; everything is projected, acknowledged and trimmed.
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributedProjector } from '../../src/distributed-projector.js';
import { eventKeys } from '../../src/gate/redis/keys.js';
import { unacknowledgedCount as unprojected } from '../../src/log/redis/unacknowledged.js';
import { uniqueEventId } from '../support/embedded.js';
import { type RedisCluster, startRedisCluster } from '../support/redis-server.js';
import {
  appendEntries,
  type Database,
  eventSpec,
  expectedCounts,
  saleOf,
  servicesAvailable,
  storeCounts,
  testMetrics,
  throwawayDatabase,
} from './fixtures.js';

const available = await servicesAvailable();

describe.skipIf(!available)('projector: Redis Cluster', () => {
  let cluster: RedisCluster;
  let redis: Cluster;
  let db: Database;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    redis = new Cluster([...cluster.nodes]);
    db = await throwawayDatabase();
  });
  afterAll(async () => {
    await redis?.quit();
    await cluster?.stop();
    await db?.dispose();
  });

  it('projects the events of every shard', async () => {
    const events = Array.from({ length: 8 }, () => uniqueEventId('cl'));
    const sales = events.map((eventId) => saleOf(eventId, 40));
    for (const [i, eventId] of events.entries()) {
      await db.store.createEvent(eventSpec(eventId), 0);
      await appendEntries(redis, eventId, sales[i]?.entries ?? []);
    }
    // The streams are spread over more than one master.
    const shards = new Set<string>();
    for (const eventId of events) {
      const slot = Number(await redis.cluster('KEYSLOT', eventKeys(eventId).log));
      shards.add(String(redis.slots[slot]?.[0]));
    }
    expect(shards.size).toBeGreaterThan(1);

    const total = sales.reduce((sum, sale) => sum + sale.entries.length, 0);
    const meter = testMetrics();
    const projector = distributedProjector({
      trimMarginMs: 0,
      redis,
      store: db.store,
      consumer: 'clustered',
      metrics: meter.metrics,
    });
    expect(await projector.drain(20_000)).toBe(total);
    expect(await meter.value('boxoffice_projector_entries_total')).toBe(total);
    for (const [i, eventId] of events.entries()) {
      expect(await storeCounts(db.driver, eventId)).toEqual(expectedCounts(sales[i] as never));
      expect(await unprojected(redis, eventId)).toBe(0);
      expect(await redis.xlen(eventKeys(eventId).log)).toBe(0);
    }
  });
});
