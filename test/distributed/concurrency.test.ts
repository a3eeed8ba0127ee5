// Concurrency over the distributed shape as real processes: one redis-server (AOF on), one PostgreSQL
// database, two `boxoffice serve` processes and one `boxoffice worker`. Every request of a scenario is fired
// at once, alternating between the two API processes; the Redis gate decides each in one script, so exactly
// as many succeed as there is stock. Each scenario ends once the worker has projected everything, with a
// consistent audit and as many tickets in the store as the accepted orders carry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventShape, eventBody, uniqueEventId } from '../support/embedded.js';
import type { HttpResult, httpClient } from '../support/http.js';
import { postgresAvailable, type ThrowawayDatabase, throwawayDatabase } from '../support/postgres.js';
import { admin, type Deployment, deploy, projectedAudit } from '../support/processes.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

const available = redisAvailable() && (await postgresAvailable());

type Client = ReturnType<typeof httpClient>;

/** How many responses had each status, and each error code: `{ 201: 1, 409: 499, seat_unavailable: 499 }`. */
function tally(results: readonly HttpResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    counts[result.status] = (counts[result.status] ?? 0) + 1;
    const code = result.body?.error?.code;
    if (code !== undefined) counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

/** The seat ids of an accepted hold (items) or order (tickets). */
function seatIdsOf(body: { items?: { seatId?: string }[]; tickets?: { seatId?: string }[] }): string[] {
  const parts = body.items ?? body.tickets ?? [];
  return parts.map((part) => part.seatId).filter((id): id is string => id !== undefined);
}

describe.runIf(available)('concurrent requests over two API processes and a worker', () => {
  let redis: RedisServer;
  let database: ThrowawayDatabase;
  let deployment: Deployment;
  let apis: readonly Client[] = [];

  /** Request number `i` goes to API process `i % 2`. */
  const send = (i: number, ...args: Parameters<Client['send']>) =>
    (apis[i % apis.length] as Client).send(...args);
  const sendAll = (path: string, bodies: readonly unknown[], headers?: Record<string, string>) =>
    Promise.all(bodies.map((body, i) => send(i, 'POST', path, body, headers)));

  beforeAll(async () => {
    redis = await startRedis({ appendOnly: true });
    database = await throwawayDatabase();
    deployment = await deploy(
      { redisUrl: redis.url, databaseUrl: database.url },
      { apis: 2, workers: ['worker-1'] },
    );
    apis = deployment.clients;
  });
  afterAll(async () => {
    await deployment?.close();
    await database?.drop();
    await redis?.stop();
  });

  async function createEvent(shape: EventShape): Promise<string> {
    const eventId = uniqueEventId('dconc');
    const created = await send(0, 'POST', '/v1/events', eventBody(eventId, shape), admin);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return eventId;
  }

  /** Both processes see the same house; once projected, the audit agrees and the store has every ticket. */
  async function expectConsistent(eventId: string, expected: { held: number; sold: number; orders: number }) {
    const audit = await projectedAudit(apis[0]!.send, redis.url, eventId);
    expect(audit, deployment.group.outputs()).toMatchObject({
      consistent: true,
      unprojected: 0,
      deadLetters: 0,
      oversold: 0,
      doubleBooked: 0,
      phantom: 0,
      gate: { held: expected.held, sold: expected.sold },
      store: { tickets: expected.sold, orders: expected.orders, held: expected.held },
    });
    for (const [i] of apis.entries()) {
      const event = await send(i, 'GET', `/v1/events/${eventId}`);
      expect(event.body).toMatchObject({ held: expected.held, sold: expected.sold });
    }
  }

  it('500 holds on one named seat: exactly one wins, 499 get seat_unavailable', async () => {
    const eventId = await createEvent({
      sections: [{ id: 'A', price: 9900, rows: [{ id: '1', seats: 10 }] }],
    });
    const bodies = Array.from({ length: 500 }, (_, i) => ({ userId: `u-${i}`, seats: ['A-1-5'] }));

    const results = await sendAll(`/v1/events/${eventId}/holds`, bodies);

    expect(tally(results)).toEqual({ 201: 1, 409: 499, seat_unavailable: 499 });
    const winner = results.find((result) => result.status === 201)?.body;
    expect(seatIdsOf(winner)).toEqual(['A-1-5']);
    await expectConsistent(eventId, { held: 1, sold: 0, orders: 0 });
  });

  it('2,000 users on a 100-ticket pool: exactly 100 holds, 1,900 sold_out', async () => {
    const eventId = await createEvent({ pools: [{ id: 'ga', capacity: 100, price: 4500 }] });
    const bodies = Array.from({ length: 2000 }, (_, i) => ({ userId: `u-${i}`, quantity: 1, poolId: 'ga' }));

    const results = await sendAll(`/v1/events/${eventId}/holds`, bodies);

    expect(tally(results)).toEqual({ 201: 100, 409: 1900, sold_out: 1900 });
    const winners = new Set(results.filter((r) => r.status === 201).map((r) => r.body.userId));
    expect(winners.size).toBe(100);
    await expectConsistent(eventId, { held: 100, sold: 0, orders: 0 });
  });

  it('20 holds by one user with maxPerUser 4: exactly 4 holds, 16 limit_exceeded', async () => {
    const eventId = await createEvent({ maxPerUser: 4, pools: [{ id: 'ga', capacity: 1000, price: 4500 }] });
    const bodies = Array.from({ length: 20 }, () => ({ userId: 'greedy', quantity: 1, poolId: 'ga' }));

    const results = await sendAll(`/v1/events/${eventId}/holds`, bodies);

    expect(tally(results)).toEqual({ 201: 4, 409: 16, limit_exceeded: 16 });
    await expectConsistent(eventId, { held: 4, sold: 0, orders: 0 });
  });

  it('orders and best-available holds racing for a small section never share a seat', async () => {
    // 2 rows of 6: every request wants 2 seats, so exactly 6 requests win, whichever kind they are.
    const capacity = 12;
    const rows = [
      { id: '1', seats: 6 },
      { id: '2', seats: 6 },
    ];
    const eventId = await createEvent({ sections: [{ id: 'S', price: 5000, rows }] });
    const requests = Array.from({ length: 60 }, (_, i) => {
      const path = i % 4 < 2 ? `/v1/events/${eventId}/orders` : `/v1/events/${eventId}/holds`;
      return send(i, 'POST', path, { userId: `u-${i}`, quantity: 2, sectionId: 'S' });
    });

    const results = await Promise.all(requests);

    expect(tally(results)).toEqual({
      201: capacity / 2,
      409: 60 - capacity / 2,
      sold_out: 60 - capacity / 2,
    });
    const accepted = results.filter((result) => result.status === 201);
    const seatIds = accepted.flatMap((result) => seatIdsOf(result.body));
    expect(new Set(seatIds).size).toBe(capacity);
    const orders = accepted.filter((result) => result.body.tickets !== undefined).length;
    await expectConsistent(eventId, { held: capacity - orders * 2, sold: orders * 2, orders });
  });

  it('100 concurrent retries with one Idempotency-Key: one hold, 201 once and 200 for the rest', async () => {
    const eventId = await createEvent({ pools: [{ id: 'ga', capacity: 100, price: 4500 }] });
    const body = { userId: 'u-1', quantity: 2, poolId: 'ga' };
    const bodies = Array.from({ length: 100 }, () => body);

    const results = await sendAll(`/v1/events/${eventId}/holds`, bodies, { 'idempotency-key': 'one-click' });

    expect(tally(results)).toEqual({ 200: 99, 201: 1 });
    expect(new Set(results.map((result) => result.body.id)).size).toBe(1);
    await expectConsistent(eventId, { held: 2, sold: 0, orders: 0 });
  });

  it('50 confirms racing 50 releases of one hold: exactly one ending wins, the rest agree with it', async () => {
    const eventId = await createEvent({ pools: [{ id: 'ga', capacity: 100, price: 4500 }] });
    const hold = await send(0, 'POST', `/v1/events/${eventId}/holds`, { userId: 'u-1', quantity: 2 });
    expect(hold.status).toBe(201);
    const path = `/v1/holds/${hold.body.id}`;

    // Confirms and releases alternate, and each kind goes to both processes.
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0 ? send(i >> 1, 'POST', `${path}/confirm`) : send(i >> 1, 'DELETE', path),
      ),
    );

    const confirms = tally(results.filter((_, i) => i % 2 === 0));
    const releases = tally(results.filter((_, i) => i % 2 === 1));
    const final = await send(1, 'GET', path);
    if (final.body.status === 'confirmed') {
      expect(confirms).toEqual({ 200: 49, 201: 1 });
      expect(releases).toEqual({ 409: 50, hold_confirmed: 50 });
      const orderIds = new Set(results.filter((r) => r.status < 300).map((r) => r.body.orderId));
      expect(orderIds.size).toBe(1);
      await expectConsistent(eventId, { held: 0, sold: 2, orders: 1 });
    } else {
      expect(final.body.status).toBe('released');
      expect(releases).toEqual({ 200: 50 });
      expect(confirms).toEqual({ 409: 50, hold_released: 50 });
      await expectConsistent(eventId, { held: 0, sold: 0, orders: 0 });
    }
  });
});
