// The gate's ending records (what any instance answers for a hold before the store has its ending) after a
// late confirm: a hold that expired and was then confirmed late has a record saying confirmed, which the
// acknowledgement of its older expiry must not delete, or a retry of the confirm would be told the hold
// expired (and the platform would refund a sold order) until the store caught up.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/domain/log-entry.js';
import type { EventSpec } from '../../src/domain/types.js';
import { forgetStoredEndings } from '../../src/gate/redis/ended-records.js';
import { RedisGate } from '../../src/gate/redis/redis-gate.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

const T0 = 1_900_000_000_000;

function spec(): EventSpec {
  return {
    id: `late-${Math.random().toString(36).slice(2, 10)}`,
    name: 'Late',
    venue: 'Hall',
    startsAt: '2027-01-01T20:00:00.000Z',
    holdTtlSeconds: 60,
    maxPerUser: 4,
    pools: [{ id: 'ga', name: 'GA', capacity: 5, price: 100 }],
    sections: [],
  };
}

describe.runIf(redisAvailable())('ending records after a late confirm', () => {
  let server: RedisServer;
  let redis: Redis;
  let gate: RedisGate;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    gate = new RedisGate({ redis, useCommandTime: true });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('keeps the record of the late confirmation when the older expiry is acknowledged', async () => {
    const s = spec();
    await gate.createEvent(s);
    const outcome = await gate.placeHold({
      eventId: s.id,
      request: { userId: 'u1', quantity: 2, poolId: 'ga' },
      confirm: false,
      nowMs: T0,
    });
    if (!outcome.ok || outcome.kind !== 'placed') throw new Error('not placed');
    const holdId = outcome.hold.id;
    await gate.sweepExpired(T0 + 60_000);
    expect((await gate.recentEnding(holdId))?.hold.status).toBe('expired');
    const late = await gate.confirmExpired(
      { ...outcome.hold, status: 'expired' },
      { reference: 'pi_9' },
      T0 + 61_000,
    );
    expect(late.ok).toBe(true);
    // The projector stores the expiry and forgets its record after the late confirm was decided.
    const stored = (type: 'hold_expired' | 'hold_confirmed', id: string) => ({
      id,
      eventId: s.id,
      deliveries: 1,
      entry: { type, eventId: s.id, atMs: T0, hold: outcome.hold } as LogEntry,
    });
    await forgetStoredEndings(redis)([stored('hold_expired', '0-1')]);
    const recent = await gate.recentEnding(holdId);
    expect(recent?.hold.status).toBe('confirmed');
    expect(recent?.order).toMatchObject({ paymentReference: 'pi_9', late: true });
    // Once the confirmation is stored, the record goes.
    await forgetStoredEndings(redis)([stored('hold_confirmed', '0-2')]);
    expect(await gate.recentEnding(holdId)).toBeUndefined();
  });
});
