// Rate limits of the distributed shape: two `boxoffice serve` processes behind a (simulated) proxy share
// one count in Redis, so N + k requests spread over both are refused exactly k times, per client address
// and per buyer. The proxy is simulated by X-Forwarded-For with BOXOFFICE_TRUST_PROXY=on. The Redis counter
// itself: a request over one of its quotas takes nothing from the others.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisRateCounter } from '../../src/ratelimit/redis-counter.js';
import { eventBody, uniqueEventId } from '../support/embedded.js';
import type { HttpResult } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { admin, type DeployedSale, useDeployment } from '../support/processes.js';
import { redisAvailable } from '../support/redis-server.js';

const available = redisAvailable() && (await postgresAvailable());

const PER_IP = 25;
const PER_BUYER = 4;
/** Long enough that no window ends during the suite, so every count is exact. */
const WINDOW = 3600;
/** Setup and audits come from an address of their own. */
const operator = { ...admin, 'x-forwarded-for': '10.250.0.1' };

function statuses(results: readonly HttpResult[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of results) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe.runIf(available)('rate limits shared by two API processes', () => {
  let sale: DeployedSale;
  useDeployment(
    {
      apis: 2,
      workers: [],
      apiEnv: {
        BOXOFFICE_RATE_LIMIT_PER_IP: `${PER_IP}/${WINDOW}s`,
        BOXOFFICE_RATE_LIMIT_PER_BUYER: `${PER_BUYER}/${WINDOW}s`,
        BOXOFFICE_TRUST_PROXY: 'on',
      },
    },
    (deployed) => {
      sale = deployed;
    },
  );

  /** Request `i` goes to API process `i % 2`. */
  const send = (i: number, ...args: Parameters<DeployedSale['deployment']['clients'][number]['send']>) =>
    sale.deployment.clients[i % 2]!.send(...args);

  async function createEvent(): Promise<string> {
    const eventId = uniqueEventId('drl');
    const body = eventBody(eventId, { pools: [{ id: 'ga', capacity: 1000, price: 100 }], maxPerUser: 50 });
    const created = await send(0, 'POST', '/v1/events', body, operator);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return eventId;
  }

  async function gateHeld(eventId: string): Promise<number> {
    const audit = await send(1, 'GET', `/v1/events/${eventId}/audit`, undefined, operator);
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    return audit.body.gate.held;
  }

  it('refuses exactly k of N + k requests from one address spread over both processes', async () => {
    const eventId = await createEvent();
    const over = 9;
    const from = { 'x-forwarded-for': '192.0.2.10' };
    const results = await Promise.all(
      Array.from({ length: PER_IP + over }, (_, i) =>
        send(i, 'POST', `/v1/events/${eventId}/holds`, { userId: `u-${i}`, quantity: 1, poolId: 'ga' }, from),
      ),
    );
    expect(statuses(results), sale.deployment.group.outputs()).toEqual({ 201: PER_IP, 429: over });
    for (const refused of results.filter((result) => result.status === 429)) {
      expect(refused.body.error.code).toBe('rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.headers['ratelimit-policy']).toBe(
        `"ip";q=${PER_IP};w=${WINDOW}, "buyer";q=${PER_BUYER};w=${WINDOW}`,
      );
    }
    expect(await gateHeld(eventId)).toBe(PER_IP);
  });

  it('refuses exactly k of N + k placements by one buyer from many addresses over both processes', async () => {
    const eventId = await createEvent();
    const over = 5;
    const results = await Promise.all(
      Array.from({ length: PER_BUYER + over }, (_, i) =>
        send(
          i,
          'POST',
          `/v1/events/${eventId}/holds`,
          { userId: 'one-buyer', quantity: 1, poolId: 'ga' },
          { 'x-forwarded-for': `198.51.100.${i + 1}` },
        ),
      ),
    );
    expect(statuses(results), sale.deployment.group.outputs()).toEqual({ 201: PER_BUYER, 429: over });
    expect(await gateHeld(eventId)).toBe(PER_BUYER);
  });

  it('answers a pool each process knows is sold out early, without counting it in Redis', async () => {
    const eventId = uniqueEventId('drl');
    const pools = [
      { id: 'ga', capacity: 1, price: 100 },
      { id: 'vip', capacity: 100, price: 500 },
    ];
    const created = await send(
      0,
      'POST',
      '/v1/events',
      eventBody(eventId, { pools, maxPerUser: 50 }),
      operator,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const from = { 'x-forwarded-for': '192.0.2.77' };
    const place = (i: number, poolId: string) =>
      send(i, 'POST', `/v1/events/${eventId}/holds`, { userId: `e-${i}`, quantity: 1, poolId }, from);
    expect((await place(0, 'ga')).status).toBe(201);
    // Each process learns that the pool is empty from a refusal of Redis's, which is counted.
    for (const i of [0, 1]) {
      const learning = await place(i, 'ga');
      expect({ status: learning.status, policy: learning.headers['ratelimit-policy'] !== undefined }).toEqual(
        {
          status: 409,
          policy: true,
        },
      );
    }
    const crowd = await Promise.all(Array.from({ length: PER_IP * 2 }, (_, i) => place(i, 'ga')));
    expect(statuses(crowd), sale.deployment.group.outputs()).toEqual({ 409: PER_IP * 2 });
    // A flag lapses after a second (pub/sub may lose a restock): a slow machine may send a few to Redis.
    const counted = crowd.filter((result) => result.headers.ratelimit !== undefined).length;
    expect(counted).toBeLessThan(PER_IP / 2);
    const vip = await place(0, 'vip');
    expect(vip.status).toBe(201);
    expect(vip.headers.ratelimit).toMatch(new RegExp(`^"ip";r=${PER_IP - 4 - counted};`));
  });

  it('takes from every quota of a request or from none (Redis counter)', async () => {
    const redis = new Redis(sale.redis.url, { maxRetriesPerRequest: 1 });
    try {
      const counter = new RedisRateCounter(redis);
      const who = uniqueEventId('who');
      const ip = { kind: 'ip', limit: { count: 5, windowSeconds: WINDOW } } as const;
      const buyer = { kind: 'buyer', limit: { count: 1, windowSeconds: WINDOW } } as const;
      const both = [
        { quota: ip, who },
        { quota: buyer, who },
      ];
      expect(await counter.take(both)).toMatchObject({ allowed: true, remaining: [4, 0] });
      expect(await counter.take(both)).toMatchObject({ allowed: false, remaining: [4, 0] });
      const alone = await counter.take([{ quota: ip, who }]);
      expect(alone).toMatchObject({ allowed: true, remaining: [3] });
      expect(alone.resetMs[0]).toBeGreaterThan(0);
      expect(alone.resetMs[0]).toBeLessThanOrEqual(WINDOW * 1000);
      // Concurrent takes go out in batches; each request sees what the ones before it took.
      const shared = {
        quota: { kind: 'buyer', limit: { count: 10, windowSeconds: WINDOW } },
        who: `${who}-batch`,
      } as const;
      const verdicts = await Promise.all(Array.from({ length: 30 }, () => counter.take([shared])));
      expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(10);
      expect(verdicts.map((verdict) => verdict.remaining[0]).slice(0, 10)).toEqual([
        9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
      ]);
      // Redis forgets a counter with its window.
      const ttl = await redis.pttl(`{boxoffice-rate}:ip:${who}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(WINDOW * 1000);
    } finally {
      redis.disconnect();
    }
  });
});
