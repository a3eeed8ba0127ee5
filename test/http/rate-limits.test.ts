// Rate limits of the embedded shape over real HTTP: per client address on every route, per buyer on
// placements, per backend key through the caller seam; X-Forwarded-For only behind a trusted proxy; `off`
// turns them off. A refused request is answered 429 before the gate is called: the audit shows only the
// accepted holds.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { RateLimitSettings } from '../../src/ratelimit/rate-limits.js';
import type { StartOptions } from '../support/embedded.js';
import type { HttpResult } from '../support/http.js';
import { OPERATOR, useListeningShape, WINDOW } from '../support/listening-shape.js';

const listening = useListeningShape(64);

function start(rateLimits: StartOptions['rateLimits'], trustProxy: false | number = false) {
  const event = { pools: [{ id: 'ga', capacity: 1000, price: 100 }], maxPerUser: 50 };
  return listening.start({ rateLimits, trustProxy }, event, 'rl');
}

async function gateHeld(eventId: string): Promise<number> {
  return (await listening.audit(eventId)).gate.held;
}

function statuses(results: readonly HttpResult[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of results) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

const hold = (userId: string) => ({ userId, quantity: 1, poolId: 'ga' });

describe('rate limits (embedded, over HTTP)', () => {
  it('refuses exactly the requests over the per-address limit, with the headers, and changes nothing', async () => {
    const quota = 20;
    const over = 7;
    const { eventId, send } = await start({ perIp: { count: quota, windowSeconds: WINDOW } });
    const results = await Promise.all(
      Array.from({ length: quota + over }, (_, i) =>
        send('POST', `/v1/events/${eventId}/holds`, hold(`u-${i}`)),
      ),
    );
    expect(statuses(results)).toEqual({ 201: quota, 429: over });
    for (const result of results) {
      expect(result.headers['ratelimit-policy']).toBe(`"ip";q=${quota};w=${WINDOW}`);
      expect(result.headers.ratelimit).toMatch(/^"ip";r=\d+;t=\d+$/);
    }
    for (const refused of results.filter((result) => result.status === 429)) {
      expect(refused.body.error.code).toBe('rate_limited');
      expect(refused.headers.ratelimit).toMatch(/^"ip";r=0;t=(\d+)$/);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW);
    }
    expect(await gateHeld(eventId)).toBe(quota);
    // Every other route counts against the same address; probes do not.
    expect((await send('GET', `/v1/events/${eventId}`)).status).toBe(429);
    const health = await send('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.ratelimit).toBeUndefined();
  });

  it('limits a buyer on placements whatever address each request comes from', async () => {
    const { eventId, send } = await start(
      { perIp: { count: 1000, windowSeconds: WINDOW }, perBuyer: { count: 3, windowSeconds: WINDOW } },
      1,
    );
    const from = (i: number) => ({ 'x-forwarded-for': `192.0.2.${i + 1}` });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        send('POST', `/v1/events/${eventId}/orders`, hold('buyer-a'), from(i)),
      ),
    );
    expect(statuses(results)).toEqual({ 201: 3, 429: 2 });
    expect(results[0]?.headers['ratelimit-policy']).toBe(`"ip";q=1000;w=${WINDOW}, "buyer";q=3;w=${WINDOW}`);
    const refused = results.find((result) => result.status === 429);
    expect(refused?.headers.ratelimit).toMatch(/^"ip";r=1000;t=\d+, "buyer";r=0;t=\d+$/);
    // A refused request took nothing, not even from its address (r is the whole quota of a fresh address).
    // Another buyer on the same addresses is not affected; reads are not counted per buyer.
    const other = await send('POST', `/v1/events/${eventId}/holds`, hold('buyer-b'), from(0));
    expect(other.status).toBe(201);
    expect((await send('GET', `/v1/events/${eventId}`, undefined, from(0))).headers['ratelimit-policy']).toBe(
      `"ip";q=1000;w=${WINDOW}`,
    );
    expect(await listening.audit(eventId)).toMatchObject({ gate: { sold: 3, held: 1 }, consistent: true });
  });

  it('believes X-Forwarded-For only behind a trusted proxy, and only the entry the proxy wrote', async () => {
    const quota = 3;
    const perIp = { count: quota, windowSeconds: WINDOW };
    const spread = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i + 1}` });
    let { eventId, send } = await start({ perIp });
    const untrusted = [];
    for (let i = 0; i < quota + 2; i++)
      untrusted.push(await send('POST', `/v1/events/${eventId}/holds`, hold(`u-${i}`), spread(i)));
    expect(statuses(untrusted)).toEqual({ 201: quota, 429: 2 });

    ({ eventId, send } = await start({ perIp }, 1));
    const trusted = [];
    for (let i = 0; i < quota + 2; i++)
      trusted.push(await send('POST', `/v1/events/${eventId}/holds`, hold(`u-${i}`), spread(i)));
    expect(statuses(trusted)).toEqual({ 201: quota + 2 });
    // A client that writes its own entry first is still counted by the address the proxy appended.
    const spoofed = [];
    for (let i = 0; i < quota + 1; i++)
      spoofed.push(
        await send('POST', `/v1/events/${eventId}/holds`, hold(`s-${i}`), {
          'x-forwarded-for': `203.0.113.${i + 1}, 198.51.100.200`,
        }),
      );
    expect(statuses(spoofed)).toEqual({ 201: quota, 429: 1 });
  });

  it('counts a backend key per key, not per address or buyer (the caller seam)', async () => {
    const { eventId, send } = await start({
      // Two per address: the operator's event creation and audit.
      perIp: { count: 2, windowSeconds: WINDOW },
      perBuyer: { count: 1, windowSeconds: WINDOW },
      perKey: { count: 4, windowSeconds: WINDOW },
      backendKeyOf: (request) => (request.headers['x-test-key'] === 'sales-1' ? 'key-1' : undefined),
    });
    const results = [];
    for (let i = 0; i < 6; i++)
      results.push(
        await send('POST', `/v1/events/${eventId}/holds`, hold('same-buyer'), { 'x-test-key': 'sales-1' }),
      );
    expect(statuses(results)).toEqual({ 201: 4, 429: 2 });
    expect(results[0]?.headers['ratelimit-policy']).toBe(`"key";q=4;w=${WINDOW}`);
    expect(await gateHeld(eventId)).toBe(4);
  });

  it('is off when the settings say off', async () => {
    const config = loadConfig({ BOXOFFICE_RATE_LIMIT_PER_IP: 'off', BOXOFFICE_RATE_LIMIT_PER_BUYER: 'off' });
    const settings: RateLimitSettings = { perIp: config.rateLimitPerIp, perBuyer: config.rateLimitPerBuyer };
    const { eventId, send } = await start(settings);
    const results = await Promise.all(
      Array.from({ length: 40 }, () => send('POST', `/v1/events/${eventId}/holds`, hold('one-buyer'))),
    );
    expect(statuses(results)).toEqual({ 201: 40 });
    expect(results[0]?.headers.ratelimit).toBeUndefined();
  });

  it('documents 429 on limited routes in the OpenAPI document', async () => {
    await start({ perIp: { count: 5, windowSeconds: WINDOW } });
    const document = (await listening.shape.app.inject({ ...OPERATOR, url: '/openapi.json' })).json();
    const refusal = document.paths['/v1/events/{eventId}/holds'].post.responses['429'];
    expect(refusal.description).toMatch(/rate_limited/);
    expect(Object.keys(refusal.headers)).toEqual(['Retry-After', 'RateLimit-Policy', 'RateLimit']);
    expect(document.paths['/v1/holds/{holdId}'].get.responses['429']).toBeDefined();
  });
});
