// The README walkthrough on the distributed shape (Redis gate, PostgreSQL store, projector): the same HTTP
// answers as the embedded shape; the read side catches up once the projector has stored the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeys } from '../../src/gate/redis/keys.js';
import {
  admin,
  distributedAvailable,
  eventBody,
  startDistributed,
  type TestDistributed,
  uniqueEventId,
} from '../support/distributed.js';

const available = await distributedAvailable();

describe.runIf(available)('walkthrough on the distributed shape', () => {
  let bo: TestDistributed;
  const eventId = uniqueEventId();

  beforeAll(async () => {
    bo = await startDistributed();
  });
  afterAll(async () => bo?.dispose());

  it('creates an event, holds, confirms; after projection the store and the audit agree', async () => {
    const created = await bo.app.inject({
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

    const hold = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'u-1', quantity: 2, poolId: 'ga' },
    });
    expect(hold.statusCode).toBe(201);
    expect(hold.json()).toMatchObject({ eventId, userId: 'u-1', status: 'held', total: 9000 });
    const holdId = hold.json().id as string;

    const seats = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'u-2', seats: ['A-1-3', 'A-1-4'] },
    });
    expect(seats.statusCode).toBe(201);

    const confirmed = await bo.app.inject({ method: 'POST', url: `/v1/holds/${holdId}/confirm` });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json().tickets).toHaveLength(2);

    // Before the projector has stored it, a second confirm is answered from the gate's record of the ending.
    const again = await bo.app.inject({ method: 'POST', url: `/v1/holds/${holdId}/confirm` });
    expect(again.statusCode).toBe(200);
    expect(again.json().orderId).toBe(confirmed.json().orderId);
    const got = await bo.app.inject({ method: 'GET', url: `/v1/holds/${holdId}` });
    expect(got.json()).toMatchObject({ status: 'confirmed' });

    await bo.settle(eventId);
    // Once the store has the ending, the gate's record of it is gone; the answers now come from the store.
    expect(await bo.redis.hlen(eventKeys(eventId).ended)).toBe(0);
    expect((await bo.app.inject({ method: 'GET', url: `/v1/holds/${holdId}` })).json()).toMatchObject({
      status: 'confirmed',
    });
    const stats = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/stats` });
    expect(stats.json()).toMatchObject({ sold: 2, held: 2, available: 106, revenue: 9000, orders: 1 });
    const order = await bo.app.inject({ method: 'GET', url: `/v1/orders/${confirmed.json().orderId}` });
    expect(order.json()).toMatchObject({ holdId, total: 9000 });

    const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
    expect(audit.statusCode).toBe(200);
    expect(audit.json()).toMatchObject({
      capacity: 110,
      gate: { available: 106, held: 2, sold: 2 },
      store: { tickets: 2, orders: 1 },
      oversold: 0,
      doubleBooked: 0,
      unprojected: 0,
      deadLetters: 0,
      consistent: true,
    });

    const seatMap = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/seats` });
    const statuses = Object.fromEntries(
      seatMap.json().seats.map((seat: { id: string; status: string }) => [seat.id, seat.status]),
    );
    expect(statuses['A-1-3']).toBe('held');
    expect(statuses['A-1-1']).toBe('available');
  });
});
