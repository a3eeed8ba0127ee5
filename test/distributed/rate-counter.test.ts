// The Redis rate counter's batching: the takes asked for in one event-loop turn go to Redis in one call,
// each decided after the ones before it.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Take } from '../../src/ratelimit/counter.js';
import { defineTakeQuota, RedisRateCounter } from '../../src/ratelimit/redis-counter.js';
import { takeQuotaCall } from '../../src/ratelimit/take-quota-args.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

const redisHere = redisAvailable();

describe.runIf(redisHere)('Redis rate counter', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('sends the takes of one turn in one call, the first one included', async () => {
    const counter = new RedisRateCounter(redis);
    const quota = { kind: 'buyer', limit: { count: 3, windowSeconds: 3600 } } as const;
    await counter.take([{ quota, who: 'warm' }]); // the script loaded
    let calls = 0;
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }, stream?: unknown) => {
      if (command.name === 'evalsha' || command.name === 'eval') calls += 1;
      return send(command as never, stream as never);
    }) as typeof redis.sendCommand;
    try {
      const verdicts = await Promise.all(
        Array.from({ length: 5 }, () => counter.take([{ quota, who: 'b' }])),
      );
      expect(verdicts.map((verdict) => verdict.allowed)).toEqual([true, true, true, false, false]);
    } finally {
      redis.sendCommand = send;
    }
    expect(calls).toBe(1);
  });

  it('is called with as many keys as its first argument counts, and refuses arguments out of step', async () => {
    const script = defineTakeQuota(redis);
    const ip: Take = {
      quota: { kind: 'ip', limit: { count: 5, windowSeconds: 60 } },
      who: `c-${process.pid}`,
    };
    const buyer: Take = { quota: { kind: 'buyer', limit: { count: 5, windowSeconds: 60 } }, who: 'c' };
    const { keys, args } = takeQuotaCall([[ip, buyer], [ip]]);
    await expect(script([...keys, 'another'], args)).rejects.toThrow(/takes 3 keys, not 4/);
    await expect(script(keys.slice(0, 2), args)).rejects.toThrow(/takes 3 keys, not 2/);
    const refused: string[] = [];
    const wrongs: [string, unknown[]][] = [
      ['one more', [...args, 1]],
      ['one fewer', args.slice(0, -1)],
      ['a request skipped', [3, 1, 5, 60_000, 1, 5, 60_000, 3, 5, 60_000]],
      ['a request before its counters', [3, 2, 5, 60_000, 2, 5, 60_000, 3, 5, 60_000]],
    ];
    for (const [what, wrong] of wrongs) {
      const outcome = await script(keys, wrong as (string | number)[]).then(
        () => 'answered',
        (error: Error) => error.message,
      );
      if (!/expected \d+ arguments, got \d+|out of order/.test(outcome)) refused.push(`${what}: ${outcome}`);
    }
    expect(refused).toEqual([]);
    // Nothing was counted by the refused calls; the right one counts both requests.
    expect(await redis.exists(keys[0] as string, keys[1] as string)).toBe(0);
    expect(await script(keys, args)).toEqual([
      1,
      4,
      expect.any(Number),
      4,
      expect.any(Number),
      1,
      3,
      expect.any(Number),
    ]);
  });
});
