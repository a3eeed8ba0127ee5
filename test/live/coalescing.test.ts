// Live updates under a burst: 3,000 seat holds (some confirmed, some released) and pool holds while a client
// watches. The client gets at most one flush per 100 ms, each flush being one availability message and at
// most one seats message, and the map it derives equals GET /v1/events/:id/seats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_FLUSH_INTERVAL_MS } from '../../src/live/limits.js';
import type { AvailabilityMessage } from '../../src/live/messages.js';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';
import { listen } from '../support/http.js';
import { LiveClient, liveUrl, waitFor } from './live-client.js';

const ROWS = 30;
const SEATS_PER_ROW = 100;
const SEAT_HOLDS = ROWS * SEATS_PER_ROW;
const POOL_HOLDS = 100;
/** Holds in flight at once: enough to make batches, little enough for a shared 2-core machine. */
const CONCURRENCY = 100;

describe('live updates: coalescing', () => {
  let bo: TestEmbedded;
  let baseUrl: string;

  beforeAll(async () => {
    bo = await startEmbedded();
    baseUrl = await listen(bo.app);
  });
  afterAll(async () => bo.dispose());

  async function createEvent(): Promise<string> {
    const eventId = uniqueEventId('live');
    const rows = Array.from({ length: ROWS }, (_, i) => ({ id: String(i + 1), seats: SEATS_PER_ROW }));
    const response = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, {
        pools: [{ id: 'ga', capacity: 1_000, price: 10 }],
        sections: [{ id: 'A', price: 20, rows }],
      }),
    });
    expect(response.statusCode).toBe(201);
    return eventId;
  }

  /** Hold i: seat i (every 10th confirmed, every 7th otherwise released) or, past the seats, one pool ticket. */
  async function act(eventId: string, i: number): Promise<void> {
    const { reservations } = bo;
    const request =
      i < SEAT_HOLDS
        ? { userId: `u${i}`, seats: [`A-${Math.floor(i / SEATS_PER_ROW) + 1}-${(i % SEATS_PER_ROW) + 1}`] }
        : { userId: `u${i}`, quantity: 1, poolId: 'ga' };
    const held = await reservations.placeHold(eventId, request, undefined, false);
    if ('code' in held) throw new Error(`hold ${i}: ${held.code}`);
    if (i % 10 === 0) await reservations.confirmHold(held.hold.id);
    else if (i % 7 === 0) await reservations.releaseHold(held.hold.id);
  }

  it('sends at most one flush per 100 ms, and the map it derives equals GET /seats', async () => {
    const eventId = await createEvent();
    const client = await LiveClient.open(liveUrl(baseUrl, eventId));
    const snapshot = await client.snapshot;
    const watchingSince = performance.now();
    expect(snapshot.seatStates).toHaveLength(SEAT_HOLDS);
    expect(snapshot).toMatchObject({ eventId, available: SEAT_HOLDS + 1_000, held: 0, sold: 0 });

    const total = SEAT_HOLDS + POOL_HOLDS;
    for (let start = 0; start < total; start += CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONCURRENCY, total - start) }, (_, k) =>
        act(eventId, start + k),
      );
      await Promise.all(batch);
    }
    const expected = (await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/seats` })).json();
    const event = (await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}` })).json();
    const availability = () =>
      client.messages.filter((m): m is AvailabilityMessage => m.type === 'availability');
    const activity = (kind: 'placed' | 'confirmed' | 'released') =>
      availability().reduce((sum, m) => sum + m.activity[kind], 0);
    const indexes = Array.from({ length: total }, (_, i) => i);
    const confirms = indexes.filter((i) => i % 10 === 0).length;
    const releases = indexes.filter((i) => i % 10 !== 0 && i % 7 === 0).length;
    // Counts are read from the gate at flush time and may run ahead of the entries announced so far, so
    // the client is done when its seats, its counts and every entry (counted once, in the activity of some
    // flush) have all arrived.
    await waitFor(
      () =>
        JSON.stringify(client.seatList()) === JSON.stringify(expected.seats) &&
        client.counts?.held === event.held &&
        client.counts?.sold === event.sold &&
        activity('placed') === total &&
        activity('confirmed') === confirms &&
        activity('released') === releases,
    );
    const elapsedMs = performance.now() - watchingSince;

    const flushes = client.count('availability');
    const bound = Math.ceil(elapsedMs / LIVE_FLUSH_INTERVAL_MS) + 1;
    expect(flushes).toBeGreaterThan(1);
    expect(flushes).toBeLessThanOrEqual(bound);
    expect(client.count('seats')).toBeLessThanOrEqual(flushes);
    expect(client.count('snapshot')).toBe(1);
    // Fewer messages than changes: that is what coalescing is for.
    expect(client.messages.length).toBeLessThan(total / 10);
    client.close();
    await client.closed;
  });
});
