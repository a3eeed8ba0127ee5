// The README walkthrough as one script, run on each shape: create an event, hold, confirm (twice), read the
// store's figures once `settled` says the read side has caught up, audit, and read the seat map. The same
// HTTP answers are the contract whatever the shape.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { admin, eventBody } from './embedded.js';

export interface WalkthroughTarget {
  readonly app: FastifyInstance;
  /** Resolves once the store shows every change of the event (the embedded store always does). */
  settled(eventId: string): Promise<void>;
}

/** Runs the walkthrough; returns the confirmed hold's id for shape-specific checks. */
export async function walkthrough(target: WalkthroughTarget, eventId: string): Promise<string> {
  const { app } = target;
  const created = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: admin,
    payload: eventBody(eventId, {
      maxPerUser: 4,
      pools: [{ id: 'ga', capacity: 100, price: 4500 }],
      sections: [{ id: 'A', price: 9900, rows: [{ id: '1', seats: 10 }] }],
    }),
  });
  expect(created.statusCode).toBe(201);
  expect(created.json()).toMatchObject({ id: eventId, capacity: 110, available: 110 });

  const hold = await app.inject({
    method: 'POST',
    url: `/v1/events/${eventId}/holds`,
    payload: { userId: 'u-1', quantity: 2, poolId: 'ga' },
  });
  expect(hold.statusCode).toBe(201);
  expect(hold.json()).toMatchObject({ eventId, userId: 'u-1', status: 'held', total: 9000 });
  const holdId = hold.json().id as string;

  const seats = await app.inject({
    method: 'POST',
    url: `/v1/events/${eventId}/holds`,
    payload: { userId: 'u-2', seats: ['A-1-3', 'A-1-4'] },
  });
  expect(seats.statusCode).toBe(201);

  const confirmed = await app.inject({ method: 'POST', url: `/v1/holds/${holdId}/confirm` });
  expect(confirmed.statusCode).toBe(201);
  expect(confirmed.json().tickets).toHaveLength(2);
  expect(confirmed.json()).toMatchObject({ holdId, total: 9000 });

  // Confirming again returns the same order, at once: before the read side has it too.
  const again = await app.inject({ method: 'POST', url: `/v1/holds/${holdId}/confirm` });
  expect(again.statusCode).toBe(200);
  expect(again.json().orderId).toBe(confirmed.json().orderId);
  const got = await app.inject({ method: 'GET', url: `/v1/holds/${holdId}` });
  expect(got.json()).toMatchObject({ status: 'confirmed' });

  await target.settled(eventId);
  const stats = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/stats`, headers: admin });
  expect(stats.json()).toMatchObject({ sold: 2, held: 2, available: 106, revenue: 9000, orders: 1 });
  const order = await app.inject({ method: 'GET', url: `/v1/orders/${confirmed.json().orderId}` });
  expect(order.json()).toMatchObject({ holdId, total: 9000 });
  // Once stored, the same order still; and its id is not the hold id with another prefix.
  const stored = await app.inject({ method: 'POST', url: `/v1/holds/${holdId}/confirm` });
  expect(stored.json().orderId).toBe(confirmed.json().orderId);
  expect(confirmed.json().orderId).not.toBe(`o${holdId.slice(1)}`);
  expect((await app.inject({ method: 'GET', url: `/v1/holds/${holdId}` })).json().orderId).toBe(
    confirmed.json().orderId,
  );

  const audit = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
  expect(audit.statusCode).toBe(200);
  expect(audit.json()).toMatchObject({
    capacity: 110,
    gate: { available: 106, held: 2, sold: 2 },
    store: { tickets: 2, orders: 1 },
    oversold: 0,
    doubleBooked: 0,
    phantom: 0,
    unprojected: 0,
    deadLetters: 0,
    consistent: true,
  });

  const seatMap = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/seats` });
  const statuses = Object.fromEntries(
    seatMap.json().seats.map((seat: { id: string; status: string }) => [seat.id, seat.status]),
  );
  expect(statuses['A-1-3']).toBe('held');
  expect(statuses['A-1-1']).toBe('available');

  // The compact form says the same, one byte per seat in layout order, and a 304 while nothing changed.
  const layout = (await app.inject({ method: 'GET', url: `/v1/events/${eventId}/seat-layout` })).json();
  const states = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/seat-states` });
  expect(states.rawPayload.length).toBe(layout.seatCount);
  const byte = (seatId: string) => {
    const [section, row, n] = seatId.split('-');
    const start = layout.sections
      .find((s: { id: string }) => s.id === section)
      .rows.find((r: { id: string }) => r.id === row).start;
    return String.fromCharCode(states.rawPayload[start + Number(n) - 1] as number);
  };
  expect(byte('A-1-3')).toBe('h');
  expect(byte('A-1-1')).toBe('0');
  const unchanged = await app.inject({
    method: 'GET',
    url: `/v1/events/${eventId}/seat-states`,
    headers: { 'if-none-match': String(states.headers.etag) },
  });
  expect(unchanged.statusCode).toBe(304);
  return holdId;
}
