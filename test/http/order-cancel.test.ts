// POST /v1/orders/:id/cancel on both shapes, through app.inject, in verified mode: sales or admin only; the
// seats and stock go back on sale (another buyer takes them), the buyer's count drops, stats and revenue
// leave the order out, the audit stays consistent, and a second cancellation answers like the first.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buyerToken, VERIFIED } from '../support/buyer-tokens.js';
import { distributedAvailable, startDistributed } from '../support/distributed.js';
import { admin, eventBody, startEmbedded, uniqueEventId } from '../support/embedded.js';

interface Shape {
  readonly app: { inject(options: InjectOptions): Promise<LightMyRequestResponse> };
  settle?(eventId: string): Promise<void>;
  dispose(): Promise<void>;
}

const shapes: [string, boolean, () => Promise<Shape>][] = [
  ['embedded', true, () => startEmbedded({ access: VERIFIED })],
  ['distributed', await distributedAvailable(), () => startDistributed({ access: VERIFIED })],
];

describe.each(shapes)('order cancellation (%s)', (_name, available, start) => {
  let bo: Shape;
  let eventId: string;
  let alice: { authorization: string };
  let bob: { authorization: string };
  let sales: { authorization: string };

  const call = (options: InjectOptions) => bo.app.inject(options);
  const json = async (options: InjectOptions, status: number) => {
    const response = await call(options);
    expect(response.statusCode, response.body).toBe(status);
    return response.json();
  };
  const book = (headers: Record<string, string>, userId: string, payload: object) =>
    call({ method: 'POST', url: `/v1/events/${eventId}/orders`, headers, payload: { userId, ...payload } });
  const cancel = (orderId: string, headers: Record<string, string> = sales) =>
    call({ method: 'POST', url: `/v1/orders/${orderId}/cancel`, headers });
  const settle = () => bo.settle?.(eventId) ?? Promise.resolve();

  beforeAll(async () => {
    if (!available) return;
    bo = await start();
    eventId = uniqueEventId('cancel');
    await json(
      {
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(eventId, {
          pools: [{ id: 'ga', capacity: 2, price: 500 }],
          sections: [{ id: 'A', price: 2000, rows: [{ id: '1', seats: 2 }] }],
          maxPerUser: 3,
        }),
      },
      201,
    );
    alice = bearer(await buyerToken('alice'));
    bob = bearer(await buyerToken('bob'));
    const key = await json(
      { method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'box office', role: 'sales' } },
      201,
    );
    sales = bearer(key.secret);
  });
  afterAll(async () => bo?.dispose());

  it.runIf(available)('returns the stock to sale, once, for sales and admin only', async () => {
    const seatOrder = (await book(alice, 'alice', { seats: ['A-1-1'] })).json();
    const poolOrder = (await book(alice, 'alice', { poolId: 'ga', quantity: 2 })).json();
    expect([seatOrder.status, poolOrder.status]).toEqual(['confirmed', 'confirmed']);
    // Sold out, and alice is at her limit.
    expect((await book(bob, 'bob', { seats: ['A-1-1'] })).json().error.code).toBe('seat_unavailable');
    expect((await book(alice, 'alice', { seats: ['A-1-2'] })).json().error.code).toBe('limit_exceeded');
    await settle();

    // Who may call: no credential, a buyer (even the order's own) → refused, nothing changes.
    for (const [headers, status, code] of [
      [{}, 401, 'unauthorized'],
      [alice, 403, 'forbidden'],
      [bob, 403, 'forbidden'],
    ] as const) {
      const response = await cancel(seatOrder.id, headers);
      expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({ status, code });
    }
    expect(
      (await json({ method: 'GET', url: `/v1/orders/${seatOrder.id}`, headers: sales }, 200)).status,
    ).toBe('confirmed');

    const first = await json(
      { method: 'POST', url: `/v1/orders/${seatOrder.id}/cancel`, headers: sales },
      200,
    );
    expect(first).toMatchObject({ id: seatOrder.id, status: 'cancelled', total: 2000 });
    expect(first.tickets.map((ticket: { voided?: boolean }) => ticket.voided)).toEqual([true]);
    expect(Date.parse(first.cancelledAt)).toBeGreaterThan(0);
    await settle();
    const again = await json(
      { method: 'POST', url: `/v1/orders/${seatOrder.id}/cancel`, headers: admin },
      200,
    );
    expect(again).toEqual(first);
    expect(await json({ method: 'GET', url: `/v1/orders/${seatOrder.id}`, headers: alice }, 200)).toEqual(
      first,
    );

    // The seat is on sale again and bob takes it; alice's count dropped by one.
    expect((await book(bob, 'bob', { seats: ['A-1-1'] })).statusCode).toBe(201);
    expect((await book(alice, 'alice', { seats: ['A-1-2'] })).statusCode).toBe(201);
    // The seat map: one byte per seat, both sold again.
    expect((await call({ method: 'GET', url: `/v1/events/${eventId}/seat-states` })).body).toBe('ss');

    await json({ method: 'POST', url: `/v1/orders/${poolOrder.id}/cancel`, headers: sales }, 200);
    await settle();
    const stats = await json({ method: 'GET', url: `/v1/events/${eventId}/stats`, headers: admin }, 200);
    // Left: bob's seat and alice's second seat; the pool is back on sale.
    expect(stats).toMatchObject({ sold: 2, held: 0, available: 2, orders: 2, revenue: 4000 });
    const revenue = await json(
      { method: 'GET', url: '/v1/venues/Test%20Arena/revenue', headers: admin },
      200,
    );
    expect(revenue.events.find((event: { eventId: string }) => event.eventId === eventId)).toMatchObject({
      sold: 2,
      orders: 2,
      revenue: 4000,
    });
    const tickets = await json({ method: 'GET', url: `/v1/events/${eventId}/tickets`, headers: admin }, 200);
    expect(tickets.tickets).toHaveLength(2);
    const audit = await json({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin }, 200);
    expect(audit).toMatchObject({
      consistent: true,
      gate: { sold: 2, held: 0 },
      store: { tickets: 2, orders: 2 },
      oversold: 0,
      doubleBooked: 0,
      phantom: 0,
    });
  });

  it.runIf(available)('answers order_not_found for unknown and malformed ids', async () => {
    const unknown = await cancel(`${eventId}.o.nothing-here`);
    expect({ status: unknown.statusCode, code: unknown.json().error.code }).toEqual({
      status: 404,
      code: 'order_not_found',
    });
    const malformed = await cancel('not an id at all');
    expect([400, 404]).toContain(malformed.statusCode);
  });
});
