// `verified` mode on both shapes, through app.inject: every bad credential gets its stable code and never a
// 5xx; a buyer's holds, orders and tickets answer that buyer, sales and admin only (anyone else gets the very
// answer of a thing that does not exist); a buyer token cannot name another buyer, so maxPerUser holds; the
// private read side answers sales and admin only; API keys are created, listed without secrets and revoked.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUYER_SECRET,
  bearer,
  buyerToken,
  METRICS_TOKEN,
  unsignedToken,
  VERIFIED,
} from '../support/buyer-tokens.js';
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

const MAX_PER_USER = 4;

describe.each(shapes)('verified mode (%s)', (_name, available, start) => {
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
  const answer = async (options: InjectOptions) => {
    const response = await call(options);
    return { status: response.statusCode, body: response.body };
  };
  const hold = (headers: Record<string, string>, userId: string, quantity = 1) =>
    call({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      headers,
      payload: { userId, quantity, poolId: 'ga' },
    });
  const settle = () => bo.settle?.(eventId) ?? Promise.resolve();

  beforeAll(async () => {
    if (!available) return;
    bo = await start();
    eventId = uniqueEventId('acc');
    await json(
      {
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(eventId, {
          pools: [{ id: 'ga', capacity: 100, price: 500 }],
          maxPerUser: MAX_PER_USER,
        }),
      },
      201,
    );
    alice = bearer(await buyerToken('alice'));
    bob = bearer(await buyerToken('bob'));
    const key = await json(
      {
        method: 'POST',
        url: '/v1/api-keys',
        headers: admin,
        payload: { name: 'shop backend', role: 'sales' },
      },
      201,
    );
    sales = bearer(key.secret);
  });
  afterAll(async () => bo?.dispose());

  it.runIf(available)('refuses each bad credential with its stable code, never a 5xx', async () => {
    const revoked = await json(
      { method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'old', role: 'sales' } },
      201,
    );
    await json({ method: 'DELETE', url: `/v1/api-keys/${revoked.id}`, headers: admin }, 200);
    const forgedSignature = await buyerToken('alice', { secret: `${BUYER_SECRET}-not-it` });
    const [tokenPayload] = [forgedSignature.split('.')[1]];
    const cases: [string, Record<string, string>, number, string][] = [
      ['no credential', {}, 401, 'unauthorized'],
      [
        'not Bearer',
        { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
        401,
        'unauthorized',
      ],
      ['Bearer and nothing', { authorization: 'Bearer ' }, 401, 'unauthorized'],
      ['garbage', bearer('not-a-credential-at-all'), 401, 'unauthorized'],
      ['three dots of garbage', bearer('a.b.c'), 401, 'unauthorized'],
      ['forged signature', bearer(forgedSignature), 401, 'unauthorized'],
      [
        'signature of another token',
        bearer(`${alice.authorization.split('.').slice(0, 2).join('.').slice(7)}.${tokenPayload}`),
        401,
        'unauthorized',
      ],
      ['alg none', bearer(unsignedToken('alice')), 401, 'unauthorized'],
      ['expired', bearer(await buyerToken('alice', { expiresInSeconds: -60 })), 401, 'unauthorized'],
      ['without exp', bearer(await buyerToken('alice', { withoutExp: true })), 401, 'unauthorized'],
      [
        'wrong issuer',
        bearer(await buyerToken('alice', { issuer: 'https://evil.test' })),
        401,
        'unauthorized',
      ],
      ['wrong audience', bearer(await buyerToken('alice', { audience: 'another-app' })), 401, 'unauthorized'],
      ['revoked key', bearer(revoked.secret), 401, 'unauthorized'],
      ['key with a wrong secret', bearer(`${revoked.secret.slice(0, -4)}AAAA`), 401, 'unauthorized'],
      ['buyer naming another userId', alice, 403, 'buyer_mismatch'],
    ];
    for (const [name, headers, status, code] of cases) {
      const response = await hold(headers, 'bob');
      expect({ name, status: response.statusCode, code: response.json().error?.code }).toEqual({
        name,
        status,
        code,
      });
    }
    // A credential that proves nothing is refused on public routes too.
    expect(
      (await call({ method: 'GET', url: `/v1/events/${eventId}`, headers: bearer('a.b.c') })).statusCode,
    ).toBe(401);
    expect((await call({ method: 'GET', url: `/v1/events/${eventId}` })).statusCode).toBe(200);
    // Valid credentials on routes they may not call.
    const create = {
      method: 'POST' as const,
      url: '/v1/events',
      payload: eventBody(uniqueEventId(), { pools: [{ id: 'ga', capacity: 1, price: 1 }] }),
    };
    for (const [name, headers, status, code] of [
      ['buyer token on an admin route', alice, 403, 'forbidden'],
      ['sales key on an admin route', sales, 403, 'forbidden'],
      ['no credential on an admin route', {}, 401, 'unauthorized'],
    ] as const) {
      const response = await call({ ...create, headers });
      expect({ name, status: response.statusCode, code: response.json().error.code }).toEqual({
        name,
        status,
        code,
      });
    }
    const keys = await call({ method: 'GET', url: '/v1/api-keys', headers: alice });
    expect([keys.statusCode, keys.json().error.code]).toEqual([403, 'forbidden']);
    const tickets = await call({ method: 'GET', url: `/v1/events/${eventId}/tickets`, headers: alice });
    expect([tickets.statusCode, tickets.json().error.code]).toEqual([403, 'forbidden']);
    const mine = await call({ method: 'GET', url: '/v1/me/holds', headers: sales });
    expect([mine.statusCode, mine.json().error.code]).toEqual([403, 'forbidden']);
  });

  it('answers a sold-out pool early, but a buyer naming another buyer still gets buyer_mismatch', async () => {
    if (!available) return;
    const tiny = uniqueEventId('tiny');
    const created = await call({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(tiny, { pools: [{ id: 'ga', capacity: 1, price: 100 }], maxPerUser: MAX_PER_USER }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const place = async (headers: Record<string, string>, userId: string) => {
      const payload = { userId, quantity: 1, poolId: 'ga' };
      const response = await call({ method: 'POST', url: `/v1/events/${tiny}/holds`, headers, payload });
      return [response.statusCode, response.json().error?.code];
    };
    expect(await place(bob, 'bob')).toEqual([201, undefined]);
    // The first refusal teaches the distributed gate that the pool is empty; the second is answered early.
    expect(await place(alice, 'alice')).toEqual([409, 'sold_out']);
    expect(await place(alice, 'alice')).toEqual([409, 'sold_out']);
    expect(await place(alice, 'bob')).toEqual([403, 'buyer_mismatch']);
  });

  it.runIf(available)("keeps a buyer's hold, order and tickets to that buyer, sales and admin", async () => {
    const held = await hold(alice, 'alice');
    expect(held.statusCode, held.body).toBe(201);
    const holdId = held.json().id as string;
    const missingHold = `h.${eventId}.AAAAAAAAAAAAAAAA`;
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/confirm'],
      ['DELETE', ''],
    ] as const) {
      const nobody = await answer({ method, url: `/v1/holds/${missingHold}${suffix}`, headers: bob });
      expect(nobody.status).toBe(404);
      expect(await answer({ method, url: `/v1/holds/${holdId}${suffix}`, headers: bob })).toEqual(nobody);
      expect((await call({ method, url: `/v1/holds/${holdId}${suffix}` })).statusCode).toBe(401);
    }
    // Extending follows the same rule: another buyer is told the hold does not exist.
    const extend = (url: string, headers?: Record<string, string>) =>
      answer({ method: 'POST', url: `${url}/extend`, headers, payload: { seconds: 30 } });
    const nobodyExtends = await extend(`/v1/holds/${missingHold}`, bob);
    expect(nobodyExtends.status).toBe(404);
    expect(await extend(`/v1/holds/${holdId}`, bob)).toEqual(nobodyExtends);
    expect((await extend(`/v1/holds/${holdId}`)).status).toBe(401);
    expect((await extend(`/v1/holds/${holdId}`, alice)).status).toBe(200);
    expect((await extend(`/v1/holds/${holdId}`, sales)).status).toBe(200);
    expect((await json({ method: 'GET', url: `/v1/holds/${holdId}`, headers: alice }, 200)).userId).toBe(
      'alice',
    );
    expect((await json({ method: 'GET', url: `/v1/holds/${holdId}`, headers: sales }, 200)).id).toBe(holdId);
    const order = await json({ method: 'POST', url: `/v1/holds/${holdId}/confirm`, headers: alice }, 201);
    await settle();
    const ticketId = order.tickets[0].id as string;
    const missingOrder = await answer({
      method: 'GET',
      url: `/v1/orders/o.${eventId}.AAAAAAAAAAAAAAAA`,
      headers: bob,
    });
    const missingTicket = await answer({
      method: 'GET',
      url: `/v1/tickets/t.${eventId}.AAAAAAAAAAAAAAAA.0`,
      headers: bob,
    });
    expect(missingOrder.status).toBe(404);
    expect(missingTicket.status).toBe(404);
    expect(await answer({ method: 'GET', url: `/v1/orders/${order.id}`, headers: bob })).toEqual(
      missingOrder,
    );
    expect(await answer({ method: 'GET', url: `/v1/tickets/${ticketId}`, headers: bob })).toEqual(
      missingTicket,
    );
    for (const headers of [alice, sales, admin]) {
      expect((await json({ method: 'GET', url: `/v1/orders/${order.id}`, headers }, 200)).id).toBe(order.id);
      expect((await json({ method: 'GET', url: `/v1/tickets/${ticketId}`, headers }, 200)).id).toBe(ticketId);
    }
    // A sales key acts for any buyer: it places for Bob and releases Bob's hold.
    const forBob = await hold(sales, 'bob');
    expect(forBob.statusCode).toBe(201);
    expect(
      (await answer({ method: 'DELETE', url: `/v1/holds/${forBob.json().id}`, headers: alice })).status,
    ).toBe(404);
    await json({ method: 'DELETE', url: `/v1/holds/${forBob.json().id}`, headers: sales }, 200);
    // The buyer's own lists, and the same for sales by name.
    await settle();
    const orders = await json({ method: 'GET', url: '/v1/me/orders', headers: alice }, 200);
    expect(orders.orders.map((o: { id: string }) => o.id)).toContain(order.id);
    expect((await json({ method: 'GET', url: '/v1/me/orders', headers: bob }, 200)).orders).toEqual([]);
    const byName = await json({ method: 'GET', url: '/v1/buyers/alice/orders?limit=1', headers: sales }, 200);
    expect(byName.orders[0].userId).toBe('alice');
    const live = await hold(alice, 'alice');
    await settle();
    const holds = await json({ method: 'GET', url: '/v1/me/holds', headers: alice }, 200);
    expect(holds.holds.map((h: { id: string }) => h.id)).toEqual([live.json().id]);
    await json({ method: 'DELETE', url: `/v1/holds/${live.json().id}`, headers: alice }, 200);
  });

  it.runIf(available)(
    'keeps maxPerUser: one buyer token naming 20 userIds gets 403s and holds no more than the limit',
    async () => {
      const carol = bearer(await buyerToken('carol'));
      const others = await Promise.all(Array.from({ length: 20 }, (_, i) => hold(carol, `carol-alias-${i}`)));
      expect(others.map((r) => [r.statusCode, r.json().error?.code])).toEqual(
        Array.from({ length: 20 }, () => [403, 'buyer_mismatch']),
      );
      const own = await Promise.all(Array.from({ length: 20 }, () => hold(carol, 'carol')));
      const placed = own.filter((r) => r.statusCode === 201).length;
      expect(placed).toBe(MAX_PER_USER);
      expect(
        own.filter((r) => r.statusCode === 409).every((r) => r.json().error.code === 'limit_exceeded'),
      ).toBe(true);
      await settle();
      const listed = await json({ method: 'GET', url: '/v1/buyers/carol/orders', headers: sales }, 200);
      expect(listed.orders).toEqual([]);
      const mine = await json({ method: 'GET', url: '/v1/me/holds', headers: carol }, 200);
      expect(mine.holds).toHaveLength(MAX_PER_USER);
    },
  );

  it.runIf(available)(
    'answers the private read side to sales and admin only; stats without revenue to the public',
    async () => {
      for (const url of [
        `/v1/events/${eventId}/tickets`,
        '/v1/venues/Test%20Arena/revenue',
        `/v1/events/${eventId}/audit`,
      ]) {
        expect((await call({ method: 'GET', url })).statusCode, url).toBe(401);
        expect((await call({ method: 'GET', url, headers: alice })).statusCode, url).toBe(403);
        expect((await call({ method: 'GET', url, headers: sales })).statusCode, url).toBe(200);
        expect((await call({ method: 'GET', url, headers: admin })).statusCode, url).toBe(200);
      }
      const publicStats = await json({ method: 'GET', url: `/v1/events/${eventId}/stats` }, 200);
      expect(publicStats).toHaveProperty('sold');
      expect(publicStats).not.toHaveProperty('revenue');
      expect(publicStats).not.toHaveProperty('orders');
      expect(
        await json({ method: 'GET', url: `/v1/events/${eventId}/stats`, headers: sales }, 200),
      ).toHaveProperty('revenue');
      // Event details and the seat map stay public.
      expect((await call({ method: 'GET', url: `/v1/events/${eventId}` })).statusCode).toBe(200);
      expect((await call({ method: 'GET', url: '/v1/events' })).statusCode).toBe(200);
    },
  );

  it.runIf(available)(
    'creates, lists (without secrets) and revokes API keys; an admin key is an admin',
    async () => {
      const created = await json(
        { method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'ops', role: 'admin' } },
        201,
      );
      expect(created).toMatchObject({
        name: 'ops',
        role: 'admin',
        id: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      expect(created.secret).toMatch(/^box_[0-9a-f]{16}_/);
      const opsKey = bearer(created.secret);
      await json(
        {
          method: 'POST',
          url: '/v1/events',
          headers: opsKey,
          payload: eventBody(uniqueEventId(), { pools: [{ id: 'ga', capacity: 1, price: 1 }] }),
        },
        201,
      );
      const listed = await call({ method: 'GET', url: '/v1/api-keys?limit=1000', headers: opsKey });
      expect(listed.statusCode).toBe(200);
      expect(listed.body).not.toContain(created.secret.slice(21));
      expect(listed.json().apiKeys.find((k: { id: string }) => k.id === created.id)).toEqual({
        id: created.id,
        name: 'ops',
        role: 'admin',
        createdAt: created.createdAt,
      });
      const revoked = await json(
        { method: 'DELETE', url: `/v1/api-keys/${created.id}`, headers: admin },
        200,
      );
      expect(revoked.revokedAt).toEqual(expect.any(String));
      expect(
        await json({ method: 'DELETE', url: `/v1/api-keys/${created.id}`, headers: admin }, 200),
      ).toEqual(revoked);
      expect((await call({ method: 'GET', url: '/v1/api-keys', headers: opsKey })).statusCode).toBe(401);
      const missing = await call({ method: 'DELETE', url: '/v1/api-keys/0000000000000000', headers: admin });
      expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'api_key_not_found']);
      const badRole = await call({
        method: 'POST',
        url: '/v1/api-keys',
        headers: admin,
        payload: { name: 'x', role: 'buyer' },
      });
      expect(badRole.statusCode).toBe(400);
    },
  );

  it.runIf(available)('closes /metrics with the metrics token', async () => {
    expect((await call({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await call({ method: 'GET', url: '/metrics', headers: admin })).statusCode).toBe(401);
    expect((await call({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) })).statusCode).toBe(
      200,
    );
  });
});
