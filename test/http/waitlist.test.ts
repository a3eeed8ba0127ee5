// The waitlist routes on both shapes, through app.inject, in verified mode: who may join, read and leave;
// refusals that change nothing; a release that becomes an offer for the first buyer in line, which the buyer
// finds among its holds and confirms like any hold, with the audit counting the offer as held.
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

describe.each(shapes)('waitlist (%s)', (_name, available, start) => {
  let bo: Shape;
  let eventId: string;
  let alice: { authorization: string };
  let bob: { authorization: string };
  let carol: { authorization: string };
  let sales: { authorization: string };

  const call = (options: InjectOptions) => bo.app.inject(options);
  const json = async (options: InjectOptions, status: number) => {
    const response = await call(options);
    expect(response.statusCode, response.body).toBe(status);
    return response.json();
  };
  const refusal = async (options: InjectOptions) => {
    const response = await call(options);
    return { status: response.statusCode, code: response.json().error?.code };
  };
  const url = () => `/v1/events/${eventId}/waitlist`;
  const join = (headers: Record<string, string>, payload: object) =>
    ({ method: 'POST', url: url(), headers, payload }) as InjectOptions;
  const settle = () => bo.settle?.(eventId) ?? Promise.resolve();

  beforeAll(async () => {
    if (!available) return;
    bo = await start();
    eventId = uniqueEventId('waitlist');
    const created = await json(
      {
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(eventId, {
          pools: [{ id: 'ga', capacity: 2, price: 500 }],
          sections: [{ id: 'A', price: 2000, rows: [{ id: '1', seats: 2 }] }],
          maxPerUser: 2,
          offerTtlSeconds: 120,
        }),
      },
      201,
    );
    expect(created.offerTtlSeconds).toBe(120);
    alice = bearer(await buyerToken('alice'));
    bob = bearer(await buyerToken('bob'));
    carol = bearer(await buyerToken('carol'));
    const key = await json(
      { method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'box office', role: 'sales' } },
      201,
    );
    sales = bearer(key.secret);
  });
  afterAll(async () => bo?.dispose());

  it.runIf(available)(
    'joins only a sold-out pool, refuses bad input changing nothing, and leaves',
    async () => {
      expect(await refusal(join(bob, { quantity: 1, poolId: 'ga' }))).toEqual({
        status: 409,
        code: 'not_sold_out',
      });
      const hold = await json(
        {
          method: 'POST',
          url: `/v1/events/${eventId}/holds`,
          headers: alice,
          payload: { userId: 'alice', quantity: 2, poolId: 'ga' },
        },
        201,
      );
      for (const [options, status, code] of [
        [join({}, { quantity: 1, poolId: 'ga' }), 401, 'unauthorized'],
        [join(bob, { userId: 'carol', quantity: 1, poolId: 'ga' }), 403, 'buyer_mismatch'],
        [join(sales, { quantity: 1, poolId: 'ga' }), 400, 'invalid_request'],
        [join(bob, { quantity: 0, poolId: 'ga' }), 400, 'invalid_request'],
        [join(bob, { quantity: 1 }), 400, 'invalid_request'],
        [join(bob, { quantity: 1, poolId: 'ga', sectionId: 'A' }), 400, 'invalid_request'],
        [join(bob, { quantity: 1, poolId: 'ga', extra: true }), 400, 'invalid_request'],
        [join(bob, { quantity: 3, poolId: 'ga' }), 409, 'limit_exceeded'],
        [join(bob, { quantity: 1, poolId: 'nope' }), 404, 'pool_not_found'],
        [join(bob, { quantity: 1, sectionId: 'A' }), 409, 'not_sold_out'],
        [
          { ...join(bob, { quantity: 1, poolId: 'ga' }), url: '/v1/events/nope/waitlist' },
          404,
          'event_not_found',
        ],
      ] as const)
        expect(await refusal(options as InjectOptions), JSON.stringify(options)).toEqual({ status, code });
      expect(await refusal({ method: 'GET', url: `${url()}/me`, headers: bob })).toEqual({
        status: 404,
        code: 'waitlist_entry_not_found',
      });

      const bobs = await json(join(bob, { quantity: 1, poolId: 'ga' }), 201);
      expect(bobs).toMatchObject({ eventId, userId: 'bob', quantity: 1, poolId: 'ga', position: 1 });
      expect(await json(join(bob, { quantity: 1, poolId: 'ga' }), 200)).toEqual(bobs);
      expect(await refusal(join(bob, { quantity: 2, poolId: 'ga' }))).toEqual({
        status: 409,
        code: 'already_waitlisted',
      });
      // A sales key names the buyer.
      const carols = await json(join(sales, { userId: 'carol', quantity: 1, poolId: 'ga' }), 201);
      expect(carols.position).toBe(2);
      expect(await json({ method: 'GET', url: `${url()}/me`, headers: carol }, 200)).toEqual(carols);
      expect(await json({ method: 'GET', url: `${url()}/me?userId=carol`, headers: sales }, 200)).toEqual(
        carols,
      );
      expect(await refusal({ method: 'GET', url: `${url()}/me?userId=carol`, headers: bob })).toEqual({
        status: 403,
        code: 'buyer_mismatch',
      });
      const { position: _, ...left } = carols;
      expect(await json({ method: 'DELETE', url: url(), headers: carol }, 200)).toEqual(left);
      expect(await refusal({ method: 'DELETE', url: url(), headers: carol })).toEqual({
        status: 404,
        code: 'waitlist_entry_not_found',
      });

      // alice releases: bob, first in line, gets one unit as an offer in the same step; the other is on sale.
      await json({ method: 'DELETE', url: `/v1/holds/${hold.id}`, headers: alice }, 200);
      expect(await refusal({ method: 'GET', url: `${url()}/me`, headers: bob })).toEqual({
        status: 404,
        code: 'waitlist_entry_not_found',
      });
      const event = await json({ method: 'GET', url: `/v1/events/${eventId}` }, 200);
      expect(event.pools[0]).toMatchObject({ available: 1, held: 1 });
      await settle();
      const bobsHolds = await json({ method: 'GET', url: '/v1/me/holds', headers: bob }, 200);
      const offer = bobsHolds.holds.find((h: { eventId: string }) => h.eventId === eventId);
      expect(offer).toMatchObject({ userId: 'bob', status: 'held', items: [{ poolId: 'ga', quantity: 1 }] });
      expect(Date.parse(offer.expiresAt) - Date.parse(offer.createdAt)).toBe(120_000);
      const audit = await json({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin }, 200);
      expect(audit).toMatchObject({ consistent: true, gate: { held: 1, sold: 0 }, oversold: 0 });

      // The offer is confirmed like any hold, by its buyer only.
      expect(await refusal({ method: 'POST', url: `/v1/holds/${offer.id}/confirm`, headers: carol })).toEqual(
        { status: 404, code: 'hold_not_found' },
      );
      const order = await json({ method: 'POST', url: `/v1/holds/${offer.id}/confirm`, headers: bob }, 201);
      expect(order).toMatchObject({ userId: 'bob', total: 500 });
      await settle();
      const after = await json({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin }, 200);
      expect(after).toMatchObject({ consistent: true, gate: { held: 0, sold: 1 }, store: { tickets: 1 } });
    },
  );
});
