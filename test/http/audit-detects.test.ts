// The audit must be able to say "inconsistent": corrupt the store behind the gate's back and watch it
// report each kind of damage as a number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';

describe('audit', () => {
  let bo: TestEmbedded;
  let db: SqlDriver;

  beforeAll(async () => {
    bo = await startEmbedded({
      wrapDriver: (driver) => {
        db = driver;
        return driver;
      },
    });
  });
  afterAll(async () => bo.dispose());

  async function soldEvent() {
    const eventId = uniqueEventId();
    await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, {
        pools: [{ id: 'ga', capacity: 3, price: 100 }],
        sections: [{ id: 'A', price: 500, rows: [{ id: '1', seats: 3 }] }],
      }),
    });
    const order = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/orders`,
      payload: { userId: 'u1', seats: ['A-1-1'] },
    });
    const hold = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'u2', quantity: 2, poolId: 'ga' },
    });
    expect([order.statusCode, hold.statusCode]).toEqual([201, 201]);
    return { eventId, order: order.json(), hold: hold.json() };
  }
  const audit = async (eventId: string) =>
    (await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin })).json();

  it('reports a consistent event as consistent', async () => {
    const { eventId } = await soldEvent();
    expect(await audit(eventId)).toMatchObject({
      consistent: true,
      drift: { sold: 0, held: 0 },
      phantom: 0,
      doubleBooked: 0,
      oversold: 0,
    });
  });

  it('reports a ticket lost from the store as drift', async () => {
    const { eventId, order } = await soldEvent();
    await db.query('DELETE FROM tickets WHERE order_id = $1', [order.orderId]);
    expect(await audit(eventId)).toMatchObject({ consistent: false, drift: { sold: 1 }, phantom: 1 });
  });

  it('reports a phantom ticket and a double-booked seat', async () => {
    const { eventId, hold } = await soldEvent();
    // A second order for the same seat, behind a hold that was never confirmed: the unique seat index must be bypassed to
    // plant it, which is exactly what the audit exists to catch.
    await db.query('DROP INDEX tickets_one_per_seat');
    try {
      await db.query(
        `INSERT INTO orders (id, hold_id, event_id, user_id, total, ticket_count, created_at_ms)
         VALUES ('o.rogue.' || $2::text, $1, $2, 'u9', 500, 1, 0)`,
        [hold.id, eventId],
      );
      await db.query(
        `INSERT INTO tickets (id, order_id, event_id, user_id, seat_id, price)
         VALUES ('t.rogue.' || $1::text, 'o.rogue.' || $1::text, $1, 'u9', 'A-1-1', 500)`,
        [eventId],
      );
      const report = await audit(eventId);
      expect(report).toMatchObject({ consistent: false, doubleBooked: 1, drift: { sold: -1 } });
      expect(report.phantom).toBeGreaterThanOrEqual(1);
    } finally {
      await db.query('DELETE FROM tickets WHERE id LIKE $1', ['t.rogue.%']);
      await db.query('DELETE FROM orders WHERE id LIKE $1', ['o.rogue.%']);
      await db.query(
        'CREATE UNIQUE INDEX tickets_one_per_seat ON tickets (event_id, seat_id) WHERE seat_id IS NOT NULL',
      );
    }
  });

  it('reports a ticket whose order does not exist as phantom', async () => {
    const { eventId } = await soldEvent();
    await db.query(
      `INSERT INTO tickets (id, order_id, event_id, user_id, pool_id, price)
       VALUES ('t.orphan.' || $1::text, 'o.nowhere', $1, 'u9', 'ga', 100)`,
      [eventId],
    );
    try {
      expect(await audit(eventId)).toMatchObject({ consistent: false, phantom: 1, drift: { sold: -1 } });
    } finally {
      await db.query('DELETE FROM tickets WHERE id LIKE $1', ['t.orphan.%']);
    }
  });

  it('reports held stock the store lost, and oversell when the store holds more than the capacity', async () => {
    const { eventId, hold } = await soldEvent();
    await db.query(
      `UPDATE holds SET quantity = 5, items = '[{"poolId":"ga","quantity":5,"price":100}]' WHERE id = $1`,
      [hold.id],
    );
    const report = await audit(eventId);
    expect(report).toMatchObject({ consistent: false, drift: { held: -3 } });
    expect(report.oversold).toBeGreaterThan(0);
  });
});
