// Concurrency over real HTTP: a listening server, an undici client with many connections, and every request
// of a scenario fired at once. The gate decides each request in one synchronous step, so however the
// requests interleave, exactly as many succeed as there is stock, and the audit finds no drift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  type EventShape,
  eventBody,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';
import { type HttpResult, httpClient, listen } from '../support/http.js';

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

/** Fires every body at the path at once and waits for all answers. */
function fireAll(client: Client, path: string, bodies: readonly unknown[]): Promise<HttpResult[]> {
  return Promise.all(bodies.map((body) => client.send('POST', path, body)));
}

/** The seat ids of an accepted hold (items) or order (tickets). */
function seatIdsOf(body: { items?: { seatId?: string }[]; tickets?: { seatId?: string }[] }): string[] {
  const parts = body.items ?? body.tickets ?? [];
  return parts.map((part) => part.seatId).filter((id): id is string => id !== undefined);
}

describe('concurrent requests over real HTTP', () => {
  let bo: TestEmbedded;
  let client: Client;

  beforeAll(async () => {
    bo = await startEmbedded();
    client = httpClient(await listen(bo.app), 256);
  });
  afterAll(async () => {
    await client?.close();
    await bo?.dispose();
  });

  async function createEvent(shape: EventShape): Promise<string> {
    const eventId = uniqueEventId('conc');
    const created = await client.send('POST', '/v1/events', eventBody(eventId, shape), admin);
    expect(created.status).toBe(201);
    return eventId;
  }

  /** The audit agrees with itself and the live counts are exactly what the accepted requests took. */
  async function expectConsistent(eventId: string, expected: { held: number; sold: number }) {
    const audit = await client.send('GET', `/v1/events/${eventId}/audit`, undefined, admin);
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({
      consistent: true,
      oversold: 0,
      doubleBooked: 0,
      gate: { held: expected.held, sold: expected.sold },
      store: { tickets: expected.sold },
    });
    const event = await client.send('GET', `/v1/events/${eventId}`);
    expect(event.status).toBe(200);
    expect(event.body).toMatchObject({
      held: expected.held,
      sold: expected.sold,
      available: event.body.capacity - expected.held - expected.sold,
    });
  }

  it('500 holds on one named seat: exactly one wins, 499 get seat_unavailable', async () => {
    const eventId = await createEvent({
      sections: [{ id: 'A', price: 9900, rows: [{ id: '1', seats: 10 }] }],
    });
    const bodies = Array.from({ length: 500 }, (_, i) => ({ userId: `u-${i}`, seats: ['A-1-5'] }));

    const results = await fireAll(client, `/v1/events/${eventId}/holds`, bodies);

    expect(tally(results)).toEqual({ 201: 1, 409: 499, seat_unavailable: 499 });
    const winner = results.find((result) => result.status === 201)?.body;
    expect(seatIdsOf(winner)).toEqual(['A-1-5']);
    const seats = await client.send('GET', `/v1/events/${eventId}/seats`);
    const taken = seats.body.seats.filter((seat: { status: string }) => seat.status !== 'available');
    expect(taken).toEqual([{ id: 'A-1-5', status: 'held' }]);
    await expectConsistent(eventId, { held: 1, sold: 0 });
  });

  it('2,000 users on a 100-ticket pool: exactly 100 holds, 1,900 sold_out', async () => {
    const eventId = await createEvent({ pools: [{ id: 'ga', capacity: 100, price: 4500 }] });
    const bodies = Array.from({ length: 2000 }, (_, i) => ({ userId: `u-${i}`, quantity: 1, poolId: 'ga' }));

    const results = await fireAll(client, `/v1/events/${eventId}/holds`, bodies);

    expect(tally(results)).toEqual({ 201: 100, 409: 1900, sold_out: 1900 });
    const winners = new Set(results.filter((r) => r.status === 201).map((r) => r.body.userId));
    expect(winners.size).toBe(100);
    await expectConsistent(eventId, { held: 100, sold: 0 });
  });

  it('20 holds by one user with maxPerUser 4: exactly 4 holds, 16 limit_exceeded', async () => {
    const eventId = await createEvent({ maxPerUser: 4, pools: [{ id: 'ga', capacity: 1000, price: 4500 }] });
    const bodies = Array.from({ length: 20 }, () => ({ userId: 'greedy', quantity: 1, poolId: 'ga' }));

    const results = await fireAll(client, `/v1/events/${eventId}/holds`, bodies);

    expect(tally(results)).toEqual({ 201: 4, 409: 16, limit_exceeded: 16 });
    await expectConsistent(eventId, { held: 4, sold: 0 });
  });

  it('100 concurrent retries with one Idempotency-Key: one hold, 201 once and 200 for the rest', async () => {
    const eventId = await createEvent({ pools: [{ id: 'ga', capacity: 100, price: 4500 }] });
    const headers = { 'idempotency-key': 'one-click' };
    const body = { userId: 'u-1', quantity: 2, poolId: 'ga' };

    const results = await Promise.all(
      Array.from({ length: 100 }, () => client.send('POST', `/v1/events/${eventId}/holds`, body, headers)),
    );

    expect(tally(results)).toEqual({ 200: 99, 201: 1 });
    expect(new Set(results.map((result) => result.body.id)).size).toBe(1);
    await expectConsistent(eventId, { held: 2, sold: 0 });
  });

  it('50 confirms racing 50 releases of one hold: exactly one ending wins, the rest agree with it', async () => {
    const eventId = await createEvent({ pools: [{ id: 'ga', capacity: 100, price: 4500 }] });
    const hold = await client.send('POST', `/v1/events/${eventId}/holds`, { userId: 'u-1', quantity: 2 });
    expect(hold.status).toBe(201);
    const path = `/v1/holds/${hold.body.id}`;

    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0 ? client.send('POST', `${path}/confirm`) : client.send('DELETE', path),
      ),
    );

    const confirms = tally(results.filter((_, i) => i % 2 === 0));
    const releases = tally(results.filter((_, i) => i % 2 === 1));
    const final = await client.send('GET', path);
    if (final.body.status === 'confirmed') {
      // The first confirm created the order; repeats return the same order; releases are refused.
      expect(confirms).toEqual({ 200: 49, 201: 1 });
      expect(releases).toEqual({ 409: 50, hold_confirmed: 50 });
      const orderIds = new Set(results.filter((r) => r.status < 300).map((r) => r.body.orderId));
      expect(orderIds.size).toBe(1);
      await expectConsistent(eventId, { held: 0, sold: 2 });
    } else {
      // Releasing is idempotent: every release answers 200; confirms find the hold released.
      expect(final.body.status).toBe('released');
      expect(releases).toEqual({ 200: 50 });
      expect(confirms).toEqual({ 409: 50, hold_released: 50 });
      await expectConsistent(eventId, { held: 0, sold: 0 });
    }
  });

  it('orders and best-available holds racing for a small section never share a seat', async () => {
    // 2 rows of 6: every request wants 2 seats, so exactly 6 requests can win, whichever kind they are.
    const capacity = 12;
    const eventId = await createEvent({
      sections: [
        {
          id: 'S',
          price: 5000,
          rows: [
            { id: '1', seats: 6 },
            { id: '2', seats: 6 },
          ],
        },
      ],
    });
    const requests = Array.from({ length: 60 }, (_, i) => {
      const path = i % 2 === 0 ? `/v1/events/${eventId}/orders` : `/v1/events/${eventId}/holds`;
      return client.send('POST', path, { userId: `u-${i}`, quantity: 2, sectionId: 'S' });
    });

    const results = await Promise.all(requests);

    const accepted = results.filter((result) => result.status === 201);
    const counts = tally(results);
    expect(counts).toEqual({ 201: capacity / 2, 409: 60 - capacity / 2, sold_out: 60 - capacity / 2 });
    const seatIds = accepted.flatMap((result) => seatIdsOf(result.body));
    expect(seatIds).toHaveLength(capacity);
    expect(new Set(seatIds).size).toBe(seatIds.length);
    // Orders came back with tickets (sold), holds with items (held).
    const sold = accepted.filter((result) => result.body.tickets !== undefined).length * 2;
    const held = accepted.filter((result) => result.body.items !== undefined).length * 2;
    expect(sold + held).toBe(capacity);
    const seats = await client.send('GET', `/v1/events/${eventId}/seats`);
    expect(seats.body.seats.filter((seat: { status: string }) => seat.status === 'available')).toEqual([]);
    await expectConsistent(eventId, { held, sold });
  });
});
