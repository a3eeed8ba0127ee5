// PATCH /v1/events/:id on both shapes, through app.inject: admin only; name, venue, startsAt and salesOpen
// change, the layout never does; closed sales refuse placements and nothing else; and both a closed event
// and a cancelled order survive a restart (embedded) or a rebuild of the gate from the store (distributed).
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buyerToken, VERIFIED } from '../support/buyer-tokens.js';
import { distributedAvailable, startDistributed } from '../support/distributed.js';
import { admin, eventBody, freshDataDir, startEmbedded, uniqueEventId } from '../support/embedded.js';

interface Shape {
  app(): { inject(options: InjectOptions): Promise<LightMyRequestResponse> };
  settle(eventId: string): Promise<void>;
  /** Embedded: a new process on the same data dir. Distributed: the gate rebuilt from the store. */
  restart(eventId: string): Promise<void>;
  dispose(): Promise<void>;
}

async function embeddedShape(): Promise<Shape> {
  const { dataDir, remove } = freshDataDir();
  let bo = await startEmbedded({ access: VERIFIED, dataDir });
  return {
    app: () => bo.app,
    settle: async () => {},
    async restart() {
      await bo.close();
      bo = await startEmbedded({ access: VERIFIED, dataDir });
    },
    async dispose() {
      await bo.close();
      remove();
    },
  };
}

async function distributedShape(): Promise<Shape> {
  const bo = await startDistributed({ access: VERIFIED });
  return {
    app: () => bo.app,
    settle: (eventId) => bo.settle(eventId),
    async restart(eventId) {
      await bo.settle(eventId);
      expect(await bo.gate.rebuild(eventId, true)).toBe('rebuilt');
    },
    dispose: () => bo.dispose(),
  };
}

const shapes: [string, boolean, () => Promise<Shape>][] = [
  ['embedded', true, embeddedShape],
  ['distributed', await distributedAvailable(), distributedShape],
];

describe.each(shapes)('event changes (%s)', (_name, available, start) => {
  let bo: Shape;
  let eventId: string;
  let alice: { authorization: string };
  let sales: { authorization: string };

  const call = (options: InjectOptions) => bo.app().inject(options);
  const json = async (options: InjectOptions, status: number) => {
    const response = await call(options);
    expect(response.statusCode, response.body).toBe(status);
    return response.json();
  };
  const patch = (payload: unknown, headers: Record<string, string> = admin, id = eventId) =>
    call({ method: 'PATCH', url: `/v1/events/${id}`, headers, payload: payload as object });
  const hold = (payload: object) =>
    call({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      headers: alice,
      payload: { userId: 'alice', ...payload },
    });

  beforeAll(async () => {
    if (!available) return;
    bo = await start();
    eventId = uniqueEventId('patch');
    await json(
      {
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(eventId, {
          pools: [{ id: 'ga', capacity: 5, price: 500 }],
          sections: [{ id: 'A', price: 2000, rows: [{ id: '1', seats: 2 }] }],
        }),
      },
      201,
    );
    alice = bearer(await buyerToken('alice'));
    const key = await json(
      { method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'box office', role: 'sales' } },
      201,
    );
    sales = bearer(key.secret);
  });
  afterAll(async () => bo?.dispose());

  it.runIf(available)('refuses every caller but an admin, and every field but the four', async () => {
    const cases: [string, unknown, Record<string, string>, number, string][] = [
      ['no credential', { salesOpen: false }, {}, 401, 'unauthorized'],
      ['a buyer', { salesOpen: false }, alice, 403, 'forbidden'],
      ['a sales key', { salesOpen: false }, sales, 403, 'forbidden'],
      ['the layout', { pools: [{ id: 'ga', capacity: 9, price: 1 }] }, admin, 400, 'invalid_request'],
      ['the sale rules', { maxPerUser: 1 }, admin, 400, 'invalid_request'],
      ['nothing', {}, admin, 400, 'invalid_request'],
      ['salesOpen as text', { salesOpen: 'no' }, admin, 400, 'invalid_request'],
      ['a start that is no time', { startsAt: 'tomorrow' }, admin, 400, 'invalid_request'],
      ['an empty name', { name: '' }, admin, 400, 'invalid_request'],
    ];
    for (const [name, body, headers, status, code] of cases) {
      const response = await patch(body, headers);
      expect({ name, status: response.statusCode, code: response.json().error?.code }).toEqual({
        name,
        status,
        code,
      });
    }
    const unknown = await patch({ salesOpen: false }, admin, uniqueEventId('none'));
    expect({ status: unknown.statusCode, code: unknown.json().error.code }).toEqual({
      status: 404,
      code: 'event_not_found',
    });
    expect(await json({ method: 'GET', url: `/v1/events/${eventId}` }, 200)).toMatchObject({
      name: `Event ${eventId}`,
      salesOpen: true,
      pools: [{ id: 'ga', capacity: 5 }],
    });
  });

  it.runIf(available)('closes sales without touching live holds, and both survive a restart', async () => {
    const live = (await hold({ poolId: 'ga', quantity: 1 })).json();
    const order = (
      await call({
        method: 'POST',
        url: `/v1/events/${eventId}/orders`,
        headers: alice,
        payload: { userId: 'alice', seats: ['A-1-1'] },
      })
    ).json();
    const changed = await json(
      {
        method: 'PATCH',
        url: `/v1/events/${eventId}`,
        headers: admin,
        payload: {
          name: 'Late Show',
          venue: 'Other Hall',
          startsAt: '2027-02-01T21:00:00+01:00',
          salesOpen: false,
        },
      },
      200,
    );
    expect(changed).toMatchObject({
      id: eventId,
      name: 'Late Show',
      venue: 'Other Hall',
      startsAt: '2027-02-01T20:00:00.000Z',
      salesOpen: false,
      held: 1,
      sold: 1,
    });
    const refused = await hold({ poolId: 'ga', quantity: 1 });
    expect({ status: refused.statusCode, code: refused.json().error.code }).toEqual({
      status: 409,
      code: 'sales_closed',
    });
    // The box office may still cancel, and the buyer still pay for the hold placed before.
    await bo.settle(eventId);
    await json({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, headers: sales }, 200);
    await json({ method: 'POST', url: `/v1/holds/${live.id}/confirm`, headers: alice }, 201);
    await bo.settle(eventId);

    await bo.restart(eventId);
    expect(await json({ method: 'GET', url: `/v1/events/${eventId}` }, 200)).toMatchObject({
      name: 'Late Show',
      salesOpen: false,
      sold: 1,
      held: 0,
    });
    expect((await hold({ poolId: 'ga', quantity: 1 })).statusCode).toBe(409);
    // The cancelled order's seat stayed free, and the order is not cancelled twice.
    expect((await call({ method: 'GET', url: `/v1/events/${eventId}/seat-states` })).body).toBe('00');
    const again = await json({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, headers: sales }, 200);
    expect(again.status).toBe('cancelled');
    const audit = await json({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin }, 200);
    expect(audit).toMatchObject({ consistent: true, gate: { sold: 1 }, store: { tickets: 1, orders: 1 } });

    await json(
      { method: 'PATCH', url: `/v1/events/${eventId}`, headers: admin, payload: { salesOpen: true } },
      200,
    );
    expect((await hold({ seats: ['A-1-1'] })).statusCode).toBe(201);
    expect((await json({ method: 'GET', url: `/v1/events/${eventId}` }, 200)).name).toBe('Late Show');
  });
});
