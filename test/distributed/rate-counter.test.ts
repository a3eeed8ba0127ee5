// The Redis rate counter's batching: the takes asked for in one event-loop turn go to Redis in one call,
// each decided after the ones before it.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateCounter } from '../../src/ratelimit/redis-counter.js';
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
});
