// Invariant 7: bad input changes nothing. Malformed, oversized or hostile requests get a 4xx with a stable
// error code in the documented shape, never a 5xx, and never a state change. The table lives in
// bad-input-cases.ts; here a real server of either shape answers it through app.inject(), and the event's
// live state, seat map, store view and audit are compared before and after the whole batch. Run by
// test/http/bad-input.test.ts (embedded) and test/distributed/bad-input.test.ts (distributed).
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/domain/errors.js';
import { errorStatus } from '../../src/http/error-status.js';
import { admin, eventBody } from '../support/embedded.js';
import { BAD_CASES, BAD_EVENT_IDS, type BadCase, EVENT_ID, HOLDER, SETUP_KEY } from './bad-input-cases.js';

/** A server of either shape, started for the suite. */
export interface BadInputShape {
  readonly app: { inject(options: InjectOptions): Promise<LightMyRequestResponse> };
  /** Distributed: waits until the store shows every change of the event. */
  settle?(eventId: string): Promise<void>;
  dispose(): Promise<void>;
}

export function badInputSuite(start: () => Promise<BadInputShape>): void {
  const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

  let bo: BadInputShape;
  const ids: Record<string, string> = { ev: EVENT_ID };

  async function call(options: InjectOptions): Promise<LightMyRequestResponse> {
    return bo.app.inject(options);
  }

  async function ok(options: InjectOptions, status = 200): Promise<any> {
    const response = await call(options);
    expect(response.statusCode, response.body).toBe(status);
    return response.json();
  }

  /** `{ev}`, `{held}`... in a case's URL, from the fixture. */
  function fill(url: string): string {
    return url.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = ids[name];
      if (value === undefined) throw new Error(`No fixture id {${name}}`);
      return value;
    });
  }

  function send(c: BadCase): Promise<LightMyRequestResponse> {
    const options: InjectOptions = { method: c.method, url: fill(c.url), headers: c.headers };
    if (c.body !== undefined) options.payload = c.body as object;
    else if (c.raw !== undefined) options.payload = c.raw;
    return call(options);
  }

  function parsed(response: LightMyRequestResponse): unknown {
    try {
      return response.json();
    } catch {
      return response.body;
    }
  }

  /** A 4xx with exactly `{"error": {"code", "message"}}`, the code in the catalogue with its own status. */
  function expectError(response: LightMyRequestResponse, status: number, code: string): void {
    expect({ status: response.statusCode, body: parsed(response) }).toEqual({
      status,
      body: { error: { code, message: expect.any(String) } },
    });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(CODES.has(code) && errorStatus[code as ErrorCode]).toBe(status);
  }

  /** Everything a request could have changed about one event: gate, seat map, store, audit. */
  async function stateOf(eventId: string) {
    // The store is the read side: in the distributed shape it shows the gate's changes once projected.
    await bo.settle?.(eventId);
    const [event, seats, stats, tickets, audit] = await Promise.all([
      ok({ method: 'GET', url: `/v1/events/${eventId}` }),
      ok({ method: 'GET', url: `/v1/events/${eventId}/seats` }),
      ok({ method: 'GET', url: `/v1/events/${eventId}/stats`, headers: admin }),
      ok({ method: 'GET', url: `/v1/events/${eventId}/tickets?limit=1000`, headers: admin }),
      ok({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin }),
    ]);
    return { event, seats, stats, tickets, audit };
  }

  /** The cheap part of stateOf, for property runs. */
  async function liveStateOf(eventId: string) {
    const [event, seats] = await Promise.all([
      ok({ method: 'GET', url: `/v1/events/${eventId}` }),
      ok({ method: 'GET', url: `/v1/events/${eventId}/seats` }),
    ]);
    return { event, seats };
  }

  async function eventIds(): Promise<string[]> {
    const page = await ok({ method: 'GET', url: '/v1/events?limit=1000' });
    return page.events.map((event: { id: string }) => event.id).sort();
  }

  async function placeHold(eventId: string, body: object, headers?: Record<string, string>): Promise<any> {
    return ok({ method: 'POST', url: `/v1/events/${eventId}/holds`, payload: body, headers }, 201);
  }

  /** Counts of 5xx answers by route, from the Prometheus histogram. */
  async function serverErrors(): Promise<string[]> {
    const text = (await call({ method: 'GET', url: '/metrics' })).body;
    return text
      .split('\n')
      .filter(
        (line) => line.startsWith('boxoffice_http_request_duration_seconds_count') && /status="5/.test(line),
      );
  }

  /** The event the table runs against: pools, seats, and holds in every state. */
  async function setUpFixture(): Promise<void> {
    await ok(
      {
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(EVENT_ID, {
          maxPerUser: 4,
          pools: [
            { id: 'ga', capacity: 100, price: 4500 },
            { id: 'vip', capacity: 1, price: 20000 },
          ],
          sections: [
            {
              id: 'A',
              price: 9900,
              rows: [
                { id: '1', seats: 10 },
                { id: '2', seats: 10 },
              ],
            },
          ],
        }),
      },
      201,
    );
    ids.held = (
      await placeHold(
        EVENT_ID,
        { userId: HOLDER, quantity: 2, poolId: 'ga' },
        { 'idempotency-key': SETUP_KEY },
      )
    ).id;
    await placeHold(EVENT_ID, { userId: 'seat-holder', seats: ['A-2-5'] });
    ids.confirmed = (await placeHold(EVENT_ID, { userId: 'buyer', seats: ['A-1-1', 'A-1-2'] })).id;
    const order = await ok({ method: 'POST', url: `/v1/holds/${ids.confirmed}/confirm` }, 201);
    ids.order = order.orderId;
    ids.ticket = order.tickets[0].id;
    ids.released = (await placeHold(EVENT_ID, { userId: 'releaser', quantity: 1, poolId: 'ga' })).id;
    await ok({ method: 'DELETE', url: `/v1/holds/${ids.released}` });
  }

  beforeAll(async () => {
    bo = await start();
    await setUpFixture();
  });
  afterAll(async () => bo?.dispose());

  describe('bad input changes nothing (invariant 7)', () => {
    let before: Awaited<ReturnType<typeof stateOf>>;
    let eventsBefore: string[];

    beforeAll(async () => {
      before = await stateOf(EVENT_ID);
      eventsBefore = await eventIds();
      expect(before.event).toMatchObject({ capacity: 121, held: 3, sold: 2 });
      expect(before.audit.consistent).toBe(true);
    });

    const table = BAD_CASES.map((c) => [`${c.name} → ${c.status} ${c.code}`, c] as const);
    it.each(table)('%s', async (_title, c) => {
      expectError(await send(c), c.status, c.code);
    });

    it('left the event, its seats, its tickets, the store and the audit as they were', async () => {
      const after = await stateOf(EVENT_ID);
      expect(after).toEqual(before);
      expect(after.audit).toMatchObject({ consistent: true, oversold: 0, doubleBooked: 0, unprojected: 0 });
      const held = await ok({ method: 'GET', url: `/v1/holds/${ids.held}` });
      expect(held).toMatchObject({ status: 'held', userId: HOLDER });
    });

    it('created none of the bad events and left the existing one as it was', async () => {
      expect(await eventIds()).toEqual(eventsBefore);
      for (const id of BAD_EVENT_IDS) {
        expectError(await call({ method: 'GET', url: `/v1/events/${id}` }), 404, 'event_not_found');
      }
      expect((await ok({ method: 'GET', url: `/v1/events/${EVENT_ID}` })).name).toBe(`Event ${EVENT_ID}`);
    });

    it('recorded no idempotency key of a refused request', async () => {
      // "Idempotency-Key of 129 characters" and the others were refused; a fresh, valid key still works once.
      const key = 'never-used-before';
      const body = { userId: 'idem-probe', quantity: 1, poolId: 'nope' };
      const first = await call({
        method: 'POST',
        url: `/v1/events/${EVENT_ID}/holds`,
        payload: body,
        headers: { 'idempotency-key': key },
      });
      expectError(first, 404, 'pool_not_found');
      const other = { userId: 'idem-probe', quantity: 1, poolId: 'nope-2' };
      const second = await call({
        method: 'POST',
        url: `/v1/events/${EVENT_ID}/holds`,
        payload: other,
        headers: { 'idempotency-key': key },
      });
      expectError(second, 404, 'pool_not_found');
    });
  });

  describe('hostile but valid text is stored verbatim and harmless', () => {
    const hostileText = {
      name: "'; DROP TABLE holds; -- \u202Eevil\u202C\nline 2 \t🎟️",
      venue: '🎫 Théâtre "du" <Châtelet> & Co',
    };

    it('keeps SQL, RTL overrides, newlines and emoji in names as given', async () => {
      const created = await ok(
        {
          method: 'POST',
          url: '/v1/events',
          headers: admin,
          payload: {
            ...eventBody('hostile-text', { pools: [{ id: 'ga', capacity: 5, price: 100 }] }),
            ...hostileText,
          },
        },
        201,
      );
      expect(created).toMatchObject(hostileText);
      expect(await ok({ method: 'GET', url: '/v1/events/hostile-text' })).toMatchObject(hostileText);
      const revenue = await ok({
        method: 'GET',
        url: `/v1/venues/${encodeURIComponent(hostileText.venue)}/revenue`,
        headers: admin,
      });
      expect(revenue).toMatchObject({
        venue: hostileText.venue,
        events: [{ eventId: 'hostile-text', name: hostileText.name }],
      });
      expect(
        (await ok({ method: 'GET', url: '/v1/events/hostile-text/audit', headers: admin })).consistent,
      ).toBe(true);
    });

    it('reaches the revenue of a venue whose name is long but within the limit', async () => {
      const venue = 'V'.repeat(150); // NAME_LENGTH_MAX is 200
      await ok(
        {
          method: 'POST',
          url: '/v1/events',
          headers: admin,
          payload: { ...eventBody('long-venue', { pools: [{ id: 'ga', capacity: 5, price: 100 }] }), venue },
        },
        201,
      );
      const revenue = await call({ method: 'GET', url: `/v1/venues/${venue}/revenue`, headers: admin });
      expect({ status: revenue.statusCode, body: parsed(revenue) }).toMatchObject({
        status: 200,
        body: { venue },
      });
    });

    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
      'audits an event whose pool is named %s',
      async (poolId) => {
        const eventId = `pool-named-${poolId.replace(/_/g, 'u')}`;
        await ok(
          {
            method: 'POST',
            url: '/v1/events',
            headers: admin,
            payload: eventBody(eventId, { pools: [{ id: poolId, capacity: 3, price: 100 }] }),
          },
          201,
        );
        const audit = await call({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
        expect({ status: audit.statusCode, body: parsed(audit) }).toMatchObject({
          status: 200,
          body: { consistent: true },
        });
        const hold = await placeHold(eventId, { userId: 'u-1', quantity: 1, poolId });
        await ok({ method: 'DELETE', url: `/v1/holds/${hold.id}` });
        expect(await ok({ method: 'GET', url: `/v1/events/${eventId}` })).toMatchObject({
          available: 3,
          held: 0,
        });
      },
    );

    it('treats users named __proto__ and constructor as ordinary users', async () => {
      await ok(
        {
          method: 'POST',
          url: '/v1/events',
          headers: admin,
          payload: eventBody('proto-users', {
            maxPerUser: 2,
            pools: [{ id: 'ga', capacity: 10, price: 100 }],
          }),
        },
        201,
      );
      for (const userId of ['__proto__', 'constructor']) {
        const hold = await placeHold('proto-users', { userId, quantity: 2, poolId: 'ga' });
        expect(hold.userId).toBe(userId);
        const more = await call({
          method: 'POST',
          url: '/v1/events/proto-users/holds',
          payload: { userId, quantity: 1, poolId: 'ga' },
        });
        expectError(more, 409, 'limit_exceeded');
      }
      await placeHold('proto-users', { userId: 'someone-else', quantity: 2, poolId: 'ga' });
      await bo.settle?.('proto-users');
      const audit = await ok({ method: 'GET', url: '/v1/events/proto-users/audit', headers: admin });
      expect(audit).toMatchObject({ consistent: true, gate: { held: 6 }, store: { held: 6 } });
    });
  });

  // --- properties ---------------------------------------------------------------------------------------------

  const USER_ID = /^[A-Za-z0-9_.:@+-]{1,64}$/;
  const ID = /^[A-Za-z0-9_-]{1,64}$/;
  const SEAT_PART = /^[A-Za-z0-9_]{1,16}$/;
  const SEAT_ID = /^[A-Za-z0-9_]{1,16}-[A-Za-z0-9_]{1,16}-[0-9]{1,4}$/;
  const HOLD_KEYS = new Set(['userId', 'quantity', 'poolId', 'sectionId', 'seats']);

  /** The request schema of a hold, restated: what may get past validation at all. */
  function passesSchema(body: unknown): boolean {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
    const b = body as Record<string, unknown>;
    if (!Object.keys(b).every((key) => HOLD_KEYS.has(key))) return false;
    if (typeof b.userId !== 'string' || !USER_ID.test(b.userId)) return false;
    const q = b.quantity;
    if (q !== undefined && !(typeof q === 'number' && Number.isInteger(q) && q >= 1 && q <= 50)) return false;
    if (b.poolId !== undefined && !(typeof b.poolId === 'string' && ID.test(b.poolId))) return false;
    if (b.sectionId !== undefined && !(typeof b.sectionId === 'string' && SEAT_PART.test(b.sectionId)))
      return false;
    const s = b.seats;
    if (s === undefined) return true;
    return (
      Array.isArray(s) &&
      s.length >= 1 &&
      s.length <= 50 &&
      new Set(s).size === s.length &&
      s.every((seat) => typeof seat === 'string' && SEAT_ID.test(seat))
    );
  }

  /** One of the three documented shapes, on top of the schema. */
  function isValidHold(body: unknown): boolean {
    if (!passesSchema(body)) return false;
    const { quantity, poolId, sectionId, seats } = body as Record<string, unknown>;
    if (seats !== undefined) return quantity === undefined && poolId === undefined && sectionId === undefined;
    return quantity !== undefined && (poolId === undefined) !== (sectionId === undefined);
  }

  const NOT_JSON = Symbol('not JSON');

  /** The body as the server sees it: an empty body is no body, and a leading BOM is skipped. */
  function parseLikeTheServer(payload: string): unknown {
    if (payload === '') return undefined;
    try {
      return JSON.parse(payload.replace(/^\uFEFF/, ''));
    } catch {
      return NOT_JSON;
    }
  }

  describe('random hold bodies (fast-check)', () => {
    const eventId = 'prop';

    beforeAll(async () => {
      await ok(
        {
          method: 'POST',
          url: '/v1/events',
          headers: admin,
          payload: eventBody(eventId, {
            maxPerUser: 1000,
            pools: [{ id: 'ga', capacity: 500, price: 100 }],
            sections: [{ id: 'A', price: 200, rows: [{ id: '1', seats: 20 }] }],
          }),
        },
        201,
      );
    });

    /**
     * Posts one body; checks the answer, and that a refusal changed nothing. An accepted hold is released, so the
     * next run starts from the same state.
     */
    async function postAndCheck(payload: string): Promise<void> {
      const before = await liveStateOf(eventId);
      const response = await call({
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        headers: { 'content-type': 'application/json' },
        payload,
      });
      const status = response.statusCode;
      const body = parseLikeTheServer(payload);
      if (status === 201) {
        expect(isValidHold(body), payload).toBe(true);
        await ok({ method: 'DELETE', url: `/v1/holds/${response.json().id}` });
      } else {
        expect(status, `${payload} → ${response.body}`).toBeGreaterThanOrEqual(400);
        expect(status, `${payload} → ${response.body}`).toBeLessThan(500);
        const code = response.json().error.code as ErrorCode;
        expectError(response, errorStatus[code], code);
        if (body === NOT_JSON) expect(code).toBe('malformed_json');
        else if (!passesSchema(body)) expect(['invalid_request', 'malformed_json']).toContain(code);
        else if (!isValidHold(body)) expect(code).toBe('invalid_request');
      }
      expect(await liveStateOf(eventId)).toEqual(before);
    }

    it('never answers a random JSON value with a 5xx or a 2xx, and never changes state', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), async (value) => postAndCheck(JSON.stringify(value))),
        { numRuns: 300 },
      );
    });

    it('accepts a random hold-shaped body only when it is valid, and a refusal changes nothing', async () => {
      const anyJson = fc.jsonValue({ maxDepth: 2 });
      const holdShaped = fc.record(
        {
          userId: fc.oneof(fc.constantFrom('u-1', 'user@example.com', '__proto__', ''), fc.string(), anyJson),
          quantity: fc.oneof(
            fc.integer({ min: -3, max: 60 }),
            fc.double(),
            fc.constantFrom(2 ** 53, '2'),
            anyJson,
          ),
          poolId: fc.oneof(fc.constantFrom('ga', 'nope', '__proto__', 'constructor'), fc.string(), anyJson),
          sectionId: fc.oneof(fc.constantFrom('A', 'Z', '__proto__'), fc.string(), anyJson),
          seats: fc.oneof(
            fc.array(fc.oneof(fc.constantFrom('A-1-1', 'A-1-20', 'A-1-21', 'A-2-1', 'A-1'), fc.string()), {
              maxLength: 52,
            }),
            anyJson,
          ),
          extra: anyJson,
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(holdShaped, async (body) => postAndCheck(JSON.stringify(body))),
        { numRuns: 300 },
      );
    });

    it('never answers an arbitrary text body with a 5xx, and never changes state', async () => {
      const text = fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.jsonValue().map((value) => JSON.stringify(value).slice(0, -1)),
        fc.constantFrom(
          '{"userId":"u-1","quantity":1,"poolId":"ga"',
          '{"__proto__":{}}',
          '\u0000',
          '\uFEFF{}',
        ),
      );
      await fc.assert(
        fc.asyncProperty(text, async (payload) => postAndCheck(payload)),
        { numRuns: 200 },
      );
    });

    it('left the property event as it was', async () => {
      const state = await stateOf(eventId);
      expect(state.event).toMatchObject({ available: 520, held: 0, sold: 0 });
      expect(state.audit).toMatchObject({ consistent: true, oversold: 0, doubleBooked: 0 });
    });
  });

  describe('after all of it', () => {
    it('the fixture event is unchanged and its audit consistent', async () => {
      const state = await stateOf(EVENT_ID);
      expect(state.event).toMatchObject({ capacity: 121, held: 3, sold: 2, available: 116 });
      expect(state.audit.consistent).toBe(true);
    });

    it('no request got a 5xx (Prometheus request histogram)', async () => {
      expect(await serverErrors()).toEqual([]);
    });
  });
}
