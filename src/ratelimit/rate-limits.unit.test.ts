// The limiter's hook on its own (Fastify's inject, no server): both ways a counter answers (at once, as the
// memory counter does, or later, as Redis does) refuse over the limit with the headers, and a counter that
// fails lets the request through and says so (fail open).
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { RateCounter, Take, Verdict } from './counter.js';
import { MemoryRateCounter } from './memory-counter.js';
import { installRateLimits } from './rate-limits.js';

const PER_IP = { count: 2, windowSeconds: 60 };

async function appWith(counter: RateCounter, errors: unknown[] = []) {
  const app = Fastify();
  installRateLimits(app, { counter, perIp: PER_IP, onCounterError: (error) => errors.push(error) });
  app.get('/v1/thing', async () => ({ ok: true }));
  await app.ready();
  return app;
}

/** The memory counter's decisions, but only through the waiting call (as a Redis counter answers). */
function waitingCounter(): RateCounter {
  const memory = new MemoryRateCounter();
  return { take: async (takes: readonly Take[]) => memory.takeNow(takes) };
}

describe('the rate limiter hook', () => {
  it.each([
    ['at once (memory)', () => new MemoryRateCounter()],
    ['later (a counter that waits)', waitingCounter],
  ])('refuses the request over the limit when the counter answers %s', async (_how, counterOf) => {
    const app = await appWith(counterOf());
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.inject({ url: '/v1/thing' })).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await app.inject({ url: '/v1/thing' });
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(refused.headers['ratelimit-policy']).toBe('"ip";q=2;w=60');
    expect(refused.headers.ratelimit).toMatch(/^"ip";r=0;t=\d+$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await app.close();
  });

  it.each([
    [
      'throws at once',
      {
        take: () => Promise.reject(new Error('unused')),
        takeNow: (): Verdict => {
          throw new Error('counter down');
        },
      },
    ],
    ['rejects later', { take: () => Promise.reject(new Error('counter down')) }],
  ])('lets the request through when the counter %s, and tells', async (_how, counter: RateCounter) => {
    const errors: unknown[] = [];
    const app = await appWith(counter, errors);
    const answer = await app.inject({ url: '/v1/thing' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers.ratelimit).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('counter down');
    await app.close();
  });
});
