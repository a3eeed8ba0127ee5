// The early sold-out answer of the placement routes (src/http/routes/sold-out-early.ts), over real HTTP on
// the embedded shape: once a pool or section has too little left, a placement is answered 409 sold_out
// before the rate limiter, with no RateLimit headers and nothing counted; every request the early answer
// leaves alone (an Idempotency-Key, an invalid body, named seats, a pool with stock, an event with a
// waiting room) is counted and answered as before.
import { describe, expect, it } from 'vitest';
import { admin, type EventShape } from '../support/embedded.js';
import type { HttpResult } from '../support/http.js';
import { OPERATOR, useListeningShape, WINDOW } from '../support/listening-shape.js';

const QUOTA = 12;
const listening = useListeningShape(16);

function start(event: EventShape & { readonly queue?: object }) {
  const rateLimits = { perIp: { count: QUOTA, windowSeconds: WINDOW } };
  return listening.start({ rateLimits }, { maxPerUser: 50, ...event }, 'early');
}

/** What is left of the per-address quota after this answer, from its RateLimit header. */
function remaining(result: HttpResult): number | undefined {
  const header = result.headers.ratelimit;
  return typeof header === 'string' ? Number(/r=(\d+)/.exec(header)?.[1]) : undefined;
}

function expectEarly(result: HttpResult): void {
  expect({ status: result.status, code: result.body.error?.code }).toEqual({ status: 409, code: 'sold_out' });
  expect(result.headers['ratelimit-policy']).toBeUndefined();
  expect(result.headers.ratelimit).toBeUndefined();
}

async function soldOutCount(operation: string): Promise<number> {
  const metrics = await listening.shape.app.inject({ ...OPERATOR, url: '/metrics' });
  const line = metrics.body
    .split('\n')
    .find((row) => row.startsWith(`boxoffice_operations_total{operation="${operation}",outcome="sold_out"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

async function gateHeld(eventId: string): Promise<number> {
  const audit = await listening.audit(eventId);
  expect(audit.consistent).toBe(true);
  return audit.gate.held;
}

describe('the early sold-out answer (embedded, over HTTP)', () => {
  it('answers a sold-out pool before the rate limiter, uncounted, and leaves the rest to the full path', async () => {
    const { eventId, send } = await start({
      pools: [
        { id: 'ga', capacity: 2, price: 100 },
        { id: 'vip', capacity: 5, price: 500 },
      ],
    });
    const holds = `/v1/events/${eventId}/holds`;
    const sellOut = await send('POST', holds, { userId: 'first', quantity: 2, poolId: 'ga' });
    expect(sellOut.status).toBe(201);
    expect(remaining(sellOut)).toBe(QUOTA - 1);

    // More than the whole quota, at once: none is counted, none is refused 429.
    const crowd = await Promise.all(
      Array.from({ length: QUOTA * 2 }, (_, i) =>
        send('POST', holds, { userId: `u-${i}`, quantity: 1, poolId: 'ga' }),
      ),
    );
    for (const result of crowd) expectEarly(result);
    expectEarly(
      await send('POST', `/v1/events/${eventId}/orders`, { userId: 'o', quantity: 1, poolId: 'ga' }),
    );
    expect(await soldOutCount('hold')).toBe(QUOTA * 2);
    expect(await soldOutCount('order')).toBe(1);

    // The full path, counted as before: a pool with stock, a retry under a key, an invalid body.
    const vip = await send('POST', holds, { userId: 'v', quantity: 1, poolId: 'vip' });
    expect(vip.status).toBe(201);
    expect(remaining(vip)).toBe(QUOTA - 2);
    const keyed = await send(
      'POST',
      holds,
      { userId: 'k', quantity: 1, poolId: 'ga' },
      { 'idempotency-key': 'k-1' },
    );
    expect({ status: keyed.status, code: keyed.body.error?.code }).toEqual({ status: 409, code: 'sold_out' });
    expect(remaining(keyed)).toBe(QUOTA - 3);
    const invalid = await send('POST', holds, { userId: 'x', quantity: 'one', poolId: 'ga' });
    expect({ status: invalid.status, code: invalid.body.error?.code }).toEqual({
      status: 400,
      code: 'invalid_request',
    });
    expect(remaining(invalid)).toBe(QUOTA - 4);
    // Sold out as far as the gate can tell, yet invalid: still the full path's 400.
    const unknownField = await send('POST', holds, { userId: 'y', quantity: 1, poolId: 'ga', colour: 'red' });
    expect({ status: unknownField.status, code: unknownField.body.error?.code }).toEqual({
      status: 400,
      code: 'invalid_request',
    });
    expect(remaining(unknownField)).toBe(QUOTA - 5);
    // Fewer left than asked is sold_out too, and known as early.
    expectEarly(await send('POST', holds, { userId: 'm', quantity: 5, poolId: 'vip' }));
    expect(remaining(await send('POST', holds, { userId: 'n', quantity: 4, poolId: 'vip' }))).toBe(QUOTA - 6);
    expect(await gateHeld(eventId)).toBe(7);
  });

  it('answers a retry of the placement that sold the pool out as that placement (invariant 6)', async () => {
    const { eventId, send } = await start({ pools: [{ id: 'ga', capacity: 1, price: 100 }] });
    const holds = `/v1/events/${eventId}/holds`;
    const body = { userId: 'last', quantity: 1, poolId: 'ga' };
    const key = { 'idempotency-key': 'last-ticket' };
    const placed = await send('POST', holds, body, key);
    expect(placed.status).toBe(201);
    expectEarly(await send('POST', holds, { userId: 'other', quantity: 1, poolId: 'ga' }));
    const retried = await send('POST', holds, body, key);
    expect({ status: retried.status, id: retried.body.id }).toEqual({ status: 200, id: placed.body.id });
  });

  it('goes back to the full path as soon as stock returns', async () => {
    const { eventId, send } = await start({ pools: [{ id: 'ga', capacity: 1, price: 100 }] });
    const holds = `/v1/events/${eventId}/holds`;
    const held = await send('POST', holds, { userId: 'first', quantity: 1, poolId: 'ga' });
    expect(held.status).toBe(201);
    expectEarly(await send('POST', holds, { userId: 'second', quantity: 1, poolId: 'ga' }));
    const released = await send('DELETE', `/v1/holds/${held.body.id}`);
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    const again = await send('POST', holds, { userId: 'second', quantity: 1, poolId: 'ga' });
    expect(again.status).toBe(201);
    expect(remaining(again)).toBeDefined();
  });

  it('answers a sold-out section early, and named seats through the full path', async () => {
    const { eventId, send } = await start({
      pools: [],
      sections: [{ id: 'A', price: 100, rows: [{ id: '1', seats: 2 }] }],
    });
    const holds = `/v1/events/${eventId}/holds`;
    const both = await send('POST', holds, { userId: 'first', quantity: 2, sectionId: 'A' });
    expect(both.status, JSON.stringify(both.body)).toBe(201);
    expectEarly(await send('POST', holds, { userId: 'second', quantity: 1, sectionId: 'A' }));
    const seat = await send('POST', holds, { userId: 'third', seats: [both.body.items[0].seatId] });
    expect({ status: seat.status, code: seat.body.error?.code }).toEqual({
      status: 409,
      code: 'seat_unavailable',
    });
    expect(remaining(seat)).toBeDefined();
  });

  it('leaves an event with a waiting room to its pass check', async () => {
    const { eventId, send } = await start({
      pools: [{ id: 'ga', capacity: 1, price: 100 }],
      queue: {
        opensAt: '2020-01-01T00:00:00Z',
        salesStartAt: '2020-01-01T00:00:00Z',
        admitPerMinute: 600,
        passMinutes: 10,
        maxActive: 100,
      },
    });
    const boxOffice = await listening.shape.app.inject({
      ...OPERATOR,
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      headers: admin,
      payload: { userId: 'box-office', quantity: 1, poolId: 'ga' },
    });
    expect(boxOffice.statusCode, boxOffice.body).toBe(201);
    const buyer = await send('POST', `/v1/events/${eventId}/holds`, {
      userId: 'b',
      quantity: 1,
      poolId: 'ga',
    });
    expect({ status: buyer.status, code: buyer.body.error?.code }).toEqual({
      status: 403,
      code: 'queue_pass_required',
    });
    expect(remaining(buyer)).toBeDefined();
  });
});
