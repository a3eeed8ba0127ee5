// The batched placement of the Redis gate: the placements of an event asked for in one event-loop turn go to
// Redis in one script call, each decided as alone, in order, with its own reply.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSpec } from '../../src/domain/types.js';
import type { PlaceCommand, PlaceOutcome } from '../../src/gate/gate.js';
import { eventKeys, idempotencyKeysOf } from '../../src/gate/redis/keys.js';
import { PlaceBatcher } from '../../src/gate/redis/place-batcher.js';
import { RedisGate } from '../../src/gate/redis/redis-gate.js';
import { defineScripts } from '../../src/gate/redis/scripts.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

const redisHere = redisAvailable();
let counter = 0;

function spec(overrides: Partial<EventSpec> = {}): EventSpec {
  counter += 1;
  return {
    id: `pb-${process.pid}-${counter}`,
    name: 'Batch Night',
    venue: 'Hall',
    startsAt: '2027-01-01T20:00:00.000Z',
    holdTtlSeconds: 60,
    maxPerUser: 10,
    pools: [{ id: 'ga', name: 'GA', capacity: 3, price: 100 }],
    sections: [{ id: 'A', name: 'A', price: 500, rows: [{ id: '1', seats: 4 }] }],
    ...overrides,
  };
}

function pool(eventId: string, userId: string, idempotencyKey?: string): PlaceCommand {
  const command = { eventId, request: { userId, quantity: 1, poolId: 'ga' }, confirm: false, nowMs: 0 };
  return idempotencyKey === undefined ? command : { ...command, idempotencyKey };
}

function summary(outcome: PlaceOutcome): string {
  return outcome.ok ? outcome.kind : outcome.code;
}

/** The scripts the client called while `work` ran (EVALSHA's first argument, the script's hash). */
async function scriptCallsBy(redis: Redis, work: () => Promise<unknown>): Promise<number> {
  let calls = 0;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string }, stream?: unknown) => {
    if (command.name === 'evalsha' || command.name === 'eval') calls += 1;
    return send(command as never, stream as never);
  }) as typeof redis.sendCommand;
  try {
    await work();
  } finally {
    redis.sendCommand = send;
  }
  return calls;
}

describe.runIf(redisHere)('batched placements', () => {
  let server: RedisServer;
  let redis: Redis;
  let gate: RedisGate;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    gate = new RedisGate({ redis });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('sends the placements of one event asked for in one turn in one call, answered in order', async () => {
    const s = spec();
    await gate.createEvent(s);
    await gate.placeHold(pool(s.id, 'warm')); // the definition cached, the script loaded
    let outcomes: PlaceOutcome[] = [];
    const calls = await scriptCallsBy(redis, async () => {
      outcomes = await Promise.all(['a', 'b', 'c', 'd'].map((user) => gate.placeHold(pool(s.id, user))));
    });
    expect(calls).toBe(1);
    // Three units, one taken by the warm-up: the first two asked are placed, the rest refused.
    expect(outcomes.map(summary)).toEqual(['placed', 'placed', 'sold_out', 'sold_out']);
    const users = outcomes.flatMap((o) => (o.ok && o.kind === 'placed' ? [o.hold.userId] : []));
    expect(users).toEqual(['a', 'b']);
  });

  it('sends one call per event when placements of several events come in one turn', async () => {
    const first = spec();
    const second = spec();
    await gate.createEvent(first);
    await gate.createEvent(second);
    await Promise.all([gate.placeHold(pool(first.id, 'w')), gate.placeHold(pool(second.id, 'w'))]);
    const calls = await scriptCallsBy(redis, () =>
      Promise.all([first, second, first, second].map((e, i) => gate.placeHold(pool(e.id, `u${i}`)))),
    );
    expect(calls).toBe(2);
  });

  it('decides each placement after the ones before it in the call: keys replayed, the limit counted', async () => {
    const s = spec({ maxPerUser: 2, pools: [{ id: 'ga', name: 'GA', capacity: 100, price: 100 }] });
    await gate.createEvent(s);
    const outcomes = await Promise.all([
      gate.placeHold(pool(s.id, 'u', 'key-1')),
      gate.placeHold(pool(s.id, 'u', 'key-1')),
      gate.placeHold(pool(s.id, 'u')),
      gate.placeHold(pool(s.id, 'u')),
    ]);
    expect(outcomes.map(summary)).toEqual(['placed', 'replayed', 'placed', 'limit_exceeded']);
    const [placed, replayed] = outcomes;
    if (!placed?.ok || placed.kind !== 'placed' || !replayed?.ok || replayed.kind !== 'replayed')
      throw new Error('unexpected outcomes');
    expect(replayed.holdId).toBe(placed.hold.id);
  });

  it('fails a placement whose script fails, and only that one', async () => {
    const s = spec();
    await gate.createEvent(s);
    const batcher = new PlaceBatcher(defineScripts(redis).placeBatch);
    const k = eventKeys(s.id);
    const eventKeyList = [k.spec, k.seats, k.counts, k.holds, k.expiry, k.users, k.log, k.ended];
    const placeKeys = [...eventKeyList, ...idempotencyKeysOf(s.id)];
    const args = (capacity: string) => [
      0,
      `${s.id}~h1`,
      'token',
      s.id,
      'u',
      60_000,
      10,
      0,
      '',
      '',
      1000,
      10,
      100,
      'pool',
      1,
      'ga',
      capacity,
      100,
      0,
    ];
    const [bad, good] = await Promise.allSettled([
      batcher.place(s.id, placeKeys, args('not a number')),
      batcher.place(s.id, placeKeys, args('3')),
    ]);
    expect(bad?.status).toBe('rejected');
    expect(bad?.status === 'rejected' && (bad.reason as Error).name).toBe('ReplyError');
    expect(good?.status === 'fulfilled' && good.value[0]).toBe('placed');
  });
});
