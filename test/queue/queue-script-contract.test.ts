// The contract of the waiting room's scripts with their callers, on a real Redis: an event without a waiting
// room is said one way only, every script refuses an argument list other than the one it declares, and the
// loader refuses a key list other than the one the script's file name counts.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptArg } from '../../src/gate/redis/scripts.js';
import { eventKeys, QUEUE_MISSING_REPLY } from '../../src/log/redis/encoding.js';
import { queueKeys } from '../../src/queue/redis/queue-keys.js';
import { admitArgs, joinArgs, standingsArgs } from '../../src/queue/redis/queue-script-args.js';
import {
  defineQueueScripts,
  type QueueScriptName,
  type QueueScripts,
} from '../../src/queue/redis/queue-scripts.js';
import { RedisWaitingRoom } from '../../src/queue/redis/redis-waiting-room.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

const redisHere = redisAvailable();
const T0 = 1_900_000_000_000;
const EVENT = `qsc-${process.pid}`;

function keysOf(name: QueueScriptName, eventId: string): string[] {
  return name === 'admit' ? [...queueKeys(eventId), eventKeys(eventId).log] : [...queueKeys(eventId)];
}

/** Every script, with arguments as the waiting room builds them. */
function calls(eventId: string): [QueueScriptName, ScriptArg[]][] {
  const stock = { available: 5, held: 0, salesOpen: true, abandonAfterMs: 60_000, windowMs: 60_000 };
  return [
    ['join', joinArgs('u', 0.5, T0 + 1, 60_000)],
    ['standings', standingsArgs(['u', 'v'], T0 + 2, 60_000)],
    ['standings', standingsArgs([], T0 + 2, 60_000)],
    ['admit', admitArgs({ ...stock, stepMax: 10, passesPerAvailable: 2, burstSeconds: 10, eventId }, T0 + 3)],
  ];
}

describe.runIf(redisHere)('the waiting room scripts and their callers', () => {
  let server: RedisServer;
  let redis: Redis;
  let scripts: QueueScripts;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    scripts = defineQueueScripts(redis);
    await new RedisWaitingRoom({ redis, useCommandTime: true }).configure(EVENT, {
      opensAtMs: T0,
      salesStartAtMs: T0,
      admitPerMinute: 60,
      passMinutes: 10,
      maxActive: 100,
      paused: false,
    });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('answer an event without a waiting room with the no-queue reply and nothing else', async () => {
    const eventId = `never-${process.pid}`;
    const join = await scripts.join(keysOf('join', eventId), joinArgs('u', 0.5, T0, 60_000));
    const admit = await scripts.admit(keysOf('admit', eventId), calls(eventId)[3]?.[1] ?? []);
    expect([join, admit]).toEqual([[QUEUE_MISSING_REPLY], [QUEUE_MISSING_REPLY]]);
    // Standings answer per buyer: none stands in a room that is not there.
    expect(await scripts.standings(keysOf('standings', eventId), standingsArgs(['u'], T0, 60_000))).toEqual([
      [],
    ]);
    expect(await redis.exists(...keysOf('admit', eventId))).toBe(0);
  });

  it('answer an event with a waiting room with something else', async () => {
    for (const [name, args] of calls(EVENT)) {
      const reply = await scripts[name](keysOf(name, EVENT), args);
      expect(reply, name).not.toEqual([QUEUE_MISSING_REPLY]);
    }
  });

  it('refuse one argument more or one fewer than they declare, and change nothing', async () => {
    const before = await redis.hgetall(queueKeys(EVENT)[3] as string);
    const accepted: string[] = [];
    const withNewcomer: [QueueScriptName, ScriptArg[]][] = [
      ['join', joinArgs('newcomer', 0.5, T0 + 5, 60_000)],
      ...calls(EVENT),
    ];
    for (const [name, args] of withNewcomer) {
      for (const wrong of [[...args, 'w'], args.slice(0, -1)]) {
        const outcome = await scripts[name](keysOf(name, EVENT), wrong).then(
          () => 'answered',
          (error: Error) => error.message,
        );
        if (!/expected \d+ arguments, got \d+/.test(outcome))
          accepted.push(`${name} (${wrong.length}): ${outcome}`);
      }
    }
    expect(accepted).toEqual([]);
    expect(await redis.hgetall(queueKeys(EVENT)[3] as string)).toEqual(before);
  });

  it('are called with exactly the keys their file names count', async () => {
    const keys = keysOf('join', EVENT);
    const join = joinArgs('u', 0.5, T0, 60_000);
    await expect(scripts.join([...keys, 'another'], join)).rejects.toThrow(/takes 6 keys, not 7/);
    await expect(scripts.join(keys.slice(0, 5), join)).rejects.toThrow(/takes 6 keys, not 5/);
    await expect(scripts.admit(keys, calls(EVENT)[3]?.[1] ?? [])).rejects.toThrow(/takes 7 keys, not 6/);
  });
});
