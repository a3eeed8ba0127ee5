// The contract of the Redis gate's scripts with their callers, on a real Redis: every script that needs the
// event says it is missing one way only, every script refuses an argument list other than the one it
// declares, and the loader refuses a key list other than the one the script's file name counts.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSpec } from '../../src/domain/types.js';
import { IDEMPOTENCY_LIMITS } from '../../src/gate/memory/idempotency-book.js';
import { eventKeys, idempotencyKeysOf } from '../../src/gate/redis/keys.js';
import { layoutOf } from '../../src/gate/redis/layout.js';
import { isEventMissing } from '../../src/gate/redis/replies.js';
import {
  cancelOrderArgs,
  confirmArgs,
  extendArgs,
  placeArgs,
  placeBatchArgs,
  releaseArgs,
  seatMapArgs,
  sweepArgs,
  updateEventArgs,
  viewArgs,
  waitlistArgs,
} from '../../src/gate/redis/script-args.js';
import {
  defineScripts,
  type GateScripts,
  type ScriptArg,
  type ScriptName,
} from '../../src/gate/redis/scripts.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

const redisHere = redisAvailable();

const SPEC: EventSpec = {
  id: `sc-${process.pid}`,
  name: 'Contract Night',
  venue: 'Hall',
  startsAt: '2027-01-01T20:00:00.000Z',
  holdTtlSeconds: 60,
  maxPerUser: 4,
  pools: [{ id: 'ga', name: 'GA', capacity: 5, price: 100 }],
  sections: [{ id: 'A', name: 'A', price: 500, rows: [{ id: '1', seats: 3 }] }],
};
const LAYOUT = layoutOf(SPEC);

/** The keys each script takes, as the gate gives them (event-layouts.ts, redis-gate.ts). */
function keysOf(name: ScriptName, eventId: string): string[] {
  const k = eventKeys(eventId);
  const event = [k.spec, k.seats, k.counts, k.holds, k.expiry, k.users, k.log, k.ended];
  switch (name) {
    case 'place':
    case 'placeBatch':
      return [...event, ...idempotencyKeysOf(eventId)];
    case 'confirm':
      return [...event, k.late];
    case 'release':
    case 'sweep':
      return [...event, k.waitlist, k.waitlistLines];
    case 'cancelOrder':
      return [...event, k.cancelled, k.waitlist, k.waitlistLines];
    case 'waitlist':
      return [...event, k.waitlist, k.waitlistLines, k.waitlistSeq];
    case 'loadEvent':
      return [...event, ...idempotencyKeysOf(eventId), k.cancelled];
    default:
      return event;
  }
}

/** Every script that needs the event, with arguments as the gate builds them. */
function calls(eventId: string): [ScriptName, ScriptArg[]][] {
  const command = { eventId, request: { userId: 'u', quantity: 1, poolId: 'ga' }, confirm: false, nowMs: 0 };
  const place = placeArgs(
    command,
    LAYOUT,
    { kind: 'pool', poolId: 'ga', quantity: 1 },
    0,
    IDEMPOTENCY_LIMITS,
  );
  const hold = {
    id: `h.${eventId}.x`,
    eventId,
    userId: 'u',
    status: 'confirmed' as const,
    items: [{ seatId: 'A-1-1', quantity: 1, price: 500 }],
    total: 500,
    createdAtMs: 1,
    expiresAtMs: 2,
  };
  return [
    ['place', place],
    ['confirm', confirmArgs({ mode: 'live', holdId: hold.id }, 0)],
    ['confirm', confirmArgs({ mode: 'paid', holdId: hold.id, payment: { amount: 500 } }, 0)],
    ['confirm', confirmArgs({ mode: 'expired', hold, payment: {}, layout: LAYOUT }, 0)],
    ['extend', extendArgs(hold.id, 30, 600, 0)],
    ['release', releaseArgs(hold.id, 0)],
    ['cancelOrder', cancelOrderArgs({ hold, confirmedAtMs: 1, nowMs: 0 }, LAYOUT, 0) as ScriptArg[]],
    ['updateEvent', updateEventArgs({ spec: { ...SPEC, id: eventId }, salesOpen: false })],
    ['sweep', sweepArgs(10, 0)],
    ['view', viewArgs('')],
    ['seatMap', seatMapArgs(undefined)],
    ['waitlist', waitlistArgs({ mode: 'spot', userId: 'u' })],
    ['waitlist', waitlistArgs({ mode: 'leave', userId: 'u', time: 0 })],
    [
      'waitlist',
      waitlistArgs({
        mode: 'join',
        request: { userId: 'u', quantity: 1, poolId: 'ga' },
        entryId: 'w1',
        eventId,
        capacity: 5,
        time: 0,
      }),
    ],
  ];
}

describe.runIf(redisHere)('the gate scripts and their callers', () => {
  let server: RedisServer;
  let redis: Redis;
  let scripts: GateScripts;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    scripts = defineScripts(redis);
    const created = await scripts.createEvent(keysOf('createEvent', SPEC.id), [
      JSON.stringify(SPEC),
      LAYOUT.seatCount,
      1,
    ]);
    expect(created).toBe(1);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('answer an event this Redis does not hold with the missing reply and nothing else', async () => {
    const eventId = `never-${process.pid}`;
    const replies: [string, unknown][] = [];
    for (const [name, args] of calls(eventId))
      replies.push([name, await scripts[name](keysOf(name, eventId), args)]);
    const batch = await scripts.placeBatch(
      keysOf('placeBatch', eventId),
      placeBatchArgs([calls(eventId)[0]?.[1] ?? []]),
    );
    replies.push(['placeBatch', (batch as unknown[])[0]]);
    expect(replies.filter(([, reply]) => !isEventMissing(reply))).toEqual([]);
    expect(replies.map(([, reply]) => reply)).toContainEqual(['missing']);
    expect(await redis.exists(eventKeys(eventId).spec, eventKeys(eventId).log)).toBe(0);
  });

  it('answer an event it holds with something else', async () => {
    for (const [name, args] of calls(SPEC.id)) {
      const reply = await scripts[name](keysOf(name, SPEC.id), args);
      expect(isEventMissing(reply), name).toBe(false);
    }
  });

  it('refuse one argument more or one fewer than they declare, and change nothing', async () => {
    const before = await redis.xlen(eventKeys(SPEC.id).log);
    const accepted: string[] = [];
    for (const [name, args] of calls(SPEC.id)) {
      for (const wrong of [[...args, ''], args.slice(0, -1)]) {
        const outcome = await scripts[name](keysOf(name, SPEC.id), wrong).then(
          () => 'answered',
          (error: Error) => error.message,
        );
        if (!/expected \d+ arguments, got \d+/.test(outcome))
          accepted.push(`${name} (${wrong.length}): ${outcome}`);
      }
    }
    const place = calls(SPEC.id)[0]?.[1] ?? [];
    const batch = placeBatchArgs([place]);
    const outcome = await scripts.placeBatch(keysOf('placeBatch', SPEC.id), [...batch, 'extra']).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    if (!/expected \d+ arguments, got \d+/.test(outcome)) accepted.push(`placeBatch: ${outcome}`);
    expect(accepted).toEqual([]);
    expect(await redis.xlen(eventKeys(SPEC.id).log)).toBe(before);
  });

  it('are called with exactly the keys their file names count', async () => {
    const keys = keysOf('view', SPEC.id);
    await expect(scripts.view([...keys, 'another'], viewArgs(''))).rejects.toThrow(/takes 8 keys, not 9/);
    await expect(scripts.view(keys.slice(0, 7), viewArgs(''))).rejects.toThrow(/takes 8 keys, not 7/);
    await expect(scripts.confirm(keys, confirmArgs({ mode: 'live', holdId: 'h' }, 0))).rejects.toThrow(
      /takes 9 keys, not 8/,
    );
  });
});
