import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  eventBody,
  manualClock,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';

const TTL_SECONDS = 60;

describe('hold lifecycle', () => {
  const clock = manualClock();
  let bo: TestEmbedded;

  beforeAll(async () => {
    bo = await startEmbedded({ clock: clock.now });
  });
  afterAll(async () => bo.dispose());

  async function newEvent(capacity = 10, maxPerUser = 10) {
    const id = uniqueEventId();
    const response = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(id, {
        holdTtlSeconds: TTL_SECONDS,
        maxPerUser,
        pools: [{ id: 'ga', capacity, price: 100 }],
        sections: [{ id: 'A', price: 500, rows: [{ id: '1', seats: 4 }] }],
      }),
    });
    expect(response.statusCode).toBe(201);
    return id;
  }

  const hold = (eventId: string, payload: object, headers: Record<string, string> = {}) =>
    bo.app.inject({ method: 'POST', url: `/v1/events/${eventId}/holds`, payload, headers });
  const available = async (eventId: string) =>
    (await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}` })).json().available;

  it('expires a hold after its TTL: the seats return to sale and the hold says expired', async () => {
    const eventId = await newEvent();
    const held = await hold(eventId, { userId: 'u1', seats: ['A-1-1', 'A-1-2'] });
    expect(held.statusCode).toBe(201);
    expect(Date.parse(held.json().expiresAt) - clock.now()).toBe(TTL_SECONDS * 1000);
    clock.advance(TTL_SECONDS * 1000 - 1);
    expect(await bo.sweeper.sweepOnce()).toBe(0);
    expect((await hold(eventId, { userId: 'u2', seats: ['A-1-1'] })).json().error.code).toBe(
      'seat_unavailable',
    );
    clock.advance(1);
    // Past its expiry but before the sweep, an extension is refused already.
    const extend = await bo.app.inject({
      method: 'POST',
      url: `/v1/holds/${held.json().id}/extend`,
      payload: { seconds: 60 },
    });
    expect(extend.json().error.code).toBe('hold_expired');
    expect(await bo.sweeper.sweepOnce()).toBe(1);
    expect((await hold(eventId, { userId: 'u2', seats: ['A-1-1'] })).statusCode).toBe(201);
    const ended = await bo.app.inject({ method: 'GET', url: `/v1/holds/${held.json().id}` });
    expect(ended.json().status).toBe('expired');
    // A late payment: one of its seats is another buyer's now, so nothing is confirmed (docs/integration.md).
    const confirm = await bo.app.inject({ method: 'POST', url: `/v1/holds/${held.json().id}/confirm` });
    expect(confirm.statusCode).toBe(409);
    expect(confirm.json().error).toMatchObject({ code: 'hold_expired', reason: 'stock_taken' });
  });

  it('releases: seats return at once; releasing twice answers the same; confirming a released hold is refused', async () => {
    const eventId = await newEvent(5);
    const held = await hold(eventId, { userId: 'u1', quantity: 3, poolId: 'ga' });
    expect(await available(eventId)).toBe(6);
    const url = `/v1/holds/${held.json().id}`;
    const released = await bo.app.inject({ method: 'DELETE', url });
    expect(released.statusCode).toBe(200);
    expect(released.json().status).toBe('released');
    expect(await available(eventId)).toBe(9);
    const again = await bo.app.inject({ method: 'DELETE', url });
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('released');
    const confirm = await bo.app.inject({ method: 'POST', url: `${url}/confirm` });
    expect(confirm.statusCode).toBe(409);
    expect(confirm.json().error.code).toBe('hold_released');
  });

  it('refuses to release a confirmed hold', async () => {
    const eventId = await newEvent();
    const held = await hold(eventId, { userId: 'u1', quantity: 1, poolId: 'ga' });
    await bo.app.inject({ method: 'POST', url: `/v1/holds/${held.json().id}/confirm` });
    const release = await bo.app.inject({ method: 'DELETE', url: `/v1/holds/${held.json().id}` });
    expect(release.statusCode).toBe(409);
    expect(release.json().error.code).toBe('hold_confirmed');
  });

  it('answers 404 for holds it never had', async () => {
    for (const id of ['h.nope.AAAAAAAAAAAAAAAA', 'garbage']) {
      for (const [method, suffix] of [
        ['GET', ''],
        ['DELETE', ''],
        ['POST', '/confirm'],
      ] as const) {
        const response = await bo.app.inject({ method, url: `/v1/holds/${id}${suffix}` });
        expect(response.statusCode).toBe(404);
        expect(response.json().error.code).toBe('hold_not_found');
      }
    }
  });

  it('counts live holds and tickets against maxPerUser, and frees the count on release', async () => {
    const eventId = await newEvent(20, 3);
    const first = await hold(eventId, { userId: 'u1', quantity: 2, poolId: 'ga' });
    await bo.app.inject({ method: 'POST', url: `/v1/holds/${first.json().id}/confirm` });
    const second = await hold(eventId, { userId: 'u1', quantity: 1, poolId: 'ga' });
    expect(second.statusCode).toBe(201);
    expect((await hold(eventId, { userId: 'u1', quantity: 1, poolId: 'ga' })).json().error.code).toBe(
      'limit_exceeded',
    );
    await bo.app.inject({ method: 'DELETE', url: `/v1/holds/${second.json().id}` });
    expect((await hold(eventId, { userId: 'u1', quantity: 1, poolId: 'ga' })).statusCode).toBe(201);
  });

  it('replays an Idempotency-Key: same body → same hold, never a second; different body → 422', async () => {
    const eventId = await newEvent(10);
    const headers = { 'idempotency-key': 'retry-1' };
    const body = { userId: 'u1', quantity: 2, poolId: 'ga' };
    const first = await hold(eventId, body, headers);
    const retries = await Promise.all([1, 2, 3].map(() => hold(eventId, body, headers)));
    expect(first.statusCode).toBe(201);
    for (const retry of retries) {
      expect(retry.statusCode).toBe(200);
      expect(retry.json().id).toBe(first.json().id);
    }
    expect(await available(eventId)).toBe(12);
    const reused = await hold(eventId, { ...body, quantity: 3 }, headers);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('idempotency_key_reused');
    // After the hold ended, the key still names it (from the store), with its current status.
    await bo.app.inject({ method: 'DELETE', url: `/v1/holds/${first.json().id}` });
    const late = await hold(eventId, body, headers);
    expect(late.statusCode).toBe(200);
    expect(late.json()).toMatchObject({ id: first.json().id, status: 'released' });
    // Keys are per event: the same key on another event is a new request.
    const other = await newEvent();
    expect((await hold(other, body, headers)).statusCode).toBe(201);
    // Keys are per buyer: another userId replaying the key and body gets a hold of its own, never u1's.
    const replayed = await hold(eventId, { ...body, userId: 'u2' }, headers);
    expect(replayed.statusCode).toBe(201);
    expect(replayed.json()).toMatchObject({ userId: 'u2', status: 'held' });
    expect(replayed.json().id).not.toBe(first.json().id);
  });

  it('books in one step with POST /orders, idempotently', async () => {
    const eventId = await newEvent(10);
    const headers = { 'idempotency-key': 'order-1' };
    const order = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/orders`,
      payload: { userId: 'u9', seats: ['A-1-3'] },
      headers,
    });
    expect(order.statusCode).toBe(201);
    expect(order.json()).toMatchObject({
      status: 'confirmed',
      total: 500,
      tickets: [{ seatId: 'A-1-3', price: 500 }],
    });
    const again = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/orders`,
      payload: { userId: 'u9', seats: ['A-1-3'] },
      headers,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().orderId).toBe(order.json().orderId);
    const stored = await bo.app.inject({ method: 'GET', url: `/v1/orders/${order.json().orderId}` });
    expect(stored.json()).toMatchObject({ orderId: order.json().orderId, holdId: order.json().holdId });
    const ticket = await bo.app.inject({ method: 'GET', url: `/v1/tickets/${order.json().tickets[0].id}` });
    expect(ticket.json()).toMatchObject({ seatId: 'A-1-3', orderId: order.json().orderId });
    const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
    expect(audit.json()).toMatchObject({ consistent: true, store: { tickets: 1, orders: 1 } });
  });
});

describe('restart', () => {
  it('rebuilds the gate from the store: live holds keep their remaining TTL, sold and held stock stay taken, keys stay known', async () => {
    const clock = manualClock();
    const first = await startEmbedded({ clock: clock.now });
    const eventId = uniqueEventId();
    await first.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, {
        holdTtlSeconds: TTL_SECONDS,
        pools: [{ id: 'ga', capacity: 5, price: 100 }],
        sections: [{ id: 'A', price: 500, rows: [{ id: '1', seats: 3 }] }],
      }),
    });
    const held = await first.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'u1', seats: ['A-1-1'] },
      headers: { 'idempotency-key': 'k' },
    });
    const confirmedBefore = await first.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'u4', seats: ['A-1-2'] },
    });
    const orderBefore = await first.app.inject({
      method: 'POST',
      url: `/v1/holds/${confirmedBefore.json().id}/confirm`,
    });
    expect(orderBefore.statusCode).toBe(201);
    const confirmedAfter = await first.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'u5', seats: ['A-1-3'] },
    });
    const sold = await first.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/orders`,
      payload: { userId: 'u2', quantity: 4, poolId: 'ga' },
    });
    expect(sold.statusCode).toBe(201);
    const before = (await first.app.inject({ method: 'GET', url: `/v1/events/${eventId}` })).json();
    const dataDir = first.dataDir;
    await first.close();

    clock.advance(10_000);
    const second = await startEmbedded({ clock: clock.now, dataDir });
    try {
      const after = (await second.app.inject({ method: 'GET', url: `/v1/events/${eventId}` })).json();
      expect(after).toEqual(before);
      const live = await second.app.inject({ method: 'GET', url: `/v1/holds/${held.json().id}` });
      expect(live.json()).toMatchObject({ status: 'held', expiresAt: held.json().expiresAt });
      expect(
        (
          await second.app.inject({
            method: 'POST',
            url: `/v1/events/${eventId}/holds`,
            payload: { userId: 'u3', seats: ['A-1-1'] },
          })
        ).json().error.code,
      ).toBe('seat_unavailable');
      expect(
        (
          await second.app.inject({
            method: 'POST',
            url: `/v1/events/${eventId}/holds`,
            payload: { userId: 'u3', quantity: 2, poolId: 'ga' },
          })
        ).json().error.code,
      ).toBe('sold_out');
      const retry = await second.app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        payload: { userId: 'u1', seats: ['A-1-1'] },
        headers: { 'idempotency-key': 'k' },
      });
      expect(retry.statusCode).toBe(200);
      expect(retry.json().id).toBe(held.json().id);
      // The rebuilt keys are still u1's own: u3 sending the same key and body is a new request (seat taken).
      const replayedByOther = await second.app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        payload: { userId: 'u3', seats: ['A-1-1'] },
        headers: { 'idempotency-key': 'k' },
      });
      expect(replayedByOther.json().error.code).toBe('seat_unavailable');
      // Order ids survive the restart: confirming again answers the same order, and a hold placed before
      // the restart becomes an order whose id is its own random part, not the hold id with another prefix.
      const confirm = (holdId: string) =>
        second.app.inject({ method: 'POST', url: `/v1/holds/${holdId}/confirm` });
      const again = await confirm(confirmedBefore.json().id);
      expect(again.statusCode).toBe(200);
      expect(again.json().orderId).toBe(orderBefore.json().orderId);
      const late = await confirm(confirmedAfter.json().id);
      expect(late.statusCode).toBe(201);
      const holdId: string = confirmedAfter.json().id;
      expect(late.json().orderId).not.toBe(`o${holdId.slice(1)}`);
      expect(late.json().orderId).not.toContain(holdId.slice(holdId.lastIndexOf('.') + 1));
      expect((await confirm(holdId)).json().orderId).toBe(late.json().orderId);
      const stored = await second.app.inject({ method: 'GET', url: `/v1/orders/${late.json().orderId}` });
      expect(stored.json()).toMatchObject({ holdId, orderId: late.json().orderId });
      // The remaining 50 s of TTL run out, not a fresh 60 s.
      clock.advance((TTL_SECONDS - 10) * 1000);
      expect(await second.sweeper.sweepOnce()).toBe(1);
      const audit = await second.app.inject({
        method: 'GET',
        url: `/v1/events/${eventId}/audit`,
        headers: admin,
      });
      expect(audit.json()).toMatchObject({ consistent: true, gate: { held: 0, sold: 6 } });
    } finally {
      await second.close();
      first.removeDataDir();
    }
  });

  it('keeps an extended hold’s new expiry, and a late order’s payment reference, across a restart', async () => {
    const clock = manualClock();
    const first = await startEmbedded({ clock: clock.now });
    const eventId = uniqueEventId();
    await first.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, {
        holdTtlSeconds: TTL_SECONDS,
        pools: [{ id: 'ga', capacity: 5, price: 100 }],
      }),
    });
    const place = (userId: string) =>
      first.app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        payload: { userId, quantity: 1, poolId: 'ga' },
      });
    const extended = (await place('u1')).json();
    const lateOne = (await place('u2')).json();
    const longer = await first.app.inject({
      method: 'POST',
      url: `/v1/holds/${extended.id}/extend`,
      payload: { seconds: TTL_SECONDS * 2 },
    });
    expect(longer.statusCode, longer.body).toBe(200);
    clock.advance(TTL_SECONDS * 1000);
    expect(await first.sweeper.sweepOnce()).toBe(1);
    const late = await first.app.inject({
      method: 'POST',
      url: `/v1/holds/${lateOne.id}/confirm`,
      payload: { paymentReference: 'pi_restart' },
    });
    expect(late.json()).toMatchObject({ late: true, paymentReference: 'pi_restart' });
    const dataDir = first.dataDir;
    await first.close();

    const second = await startEmbedded({ clock: clock.now, dataDir });
    try {
      const live = await second.app.inject({ method: 'GET', url: `/v1/holds/${extended.id}` });
      expect(live.json()).toMatchObject({ status: 'held', expiresAt: longer.json().expiresAt });
      const again = await second.app.inject({ method: 'POST', url: `/v1/holds/${lateOne.id}/confirm` });
      expect([again.statusCode, again.json()]).toEqual([200, late.json()]);
      clock.advance(TTL_SECONDS * 1000 - 1);
      expect(await second.sweeper.sweepOnce()).toBe(0);
      clock.advance(1);
      expect(await second.sweeper.sweepOnce()).toBe(1);
      const audit = await second.app.inject({
        method: 'GET',
        url: `/v1/events/${eventId}/audit`,
        headers: admin,
      });
      expect(audit.json()).toMatchObject({ consistent: true, gate: { held: 0, sold: 1 } });
    } finally {
      await second.close();
      first.removeDataDir();
    }
  });
});
