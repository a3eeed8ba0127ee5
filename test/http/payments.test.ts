// Holds and payments through HTTP (docs/integration.md): extending a hold while a payment is authorised,
// confirming with a payment reference and amount, and late payment of an expired hold, both branches.
// Run in both shapes: the embedded one (memory gate, PGlite) and the distributed one (Redis gate, PostgreSQL,
// in-process projector), where an ended hold is answered from the gate's ending record or the store.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributedAvailable, startDistributed } from '../support/distributed.js';
import { admin, eventBody, manualClock, startEmbedded, uniqueEventId } from '../support/embedded.js';

const TTL_SECONDS = 60;
const MAX_HOLD_SECONDS = 150;

interface Shape {
  readonly app: FastifyInstance;
  readonly sweeper: { sweepOnce(): Promise<number> };
  /** Waits until the store shows every decision of the event (the distributed read side lags). */
  settle(eventId: string): Promise<void>;
  dispose(): Promise<void>;
}

/** The background sweeper of the distributed shape must not race the test's own sweeps. */
const SWEEP_NEVER_MS = 3_600_000;

const shapes = [
  {
    name: 'embedded',
    available: true,
    start: async (clock: () => number): Promise<Shape> => {
      const bo = await startEmbedded({ clock });
      return { ...bo, app: bo.app, settle: async () => {} };
    },
  },
  {
    name: 'distributed',
    available: await distributedAvailable(),
    start: async (clock: () => number): Promise<Shape> => {
      const bo = await startDistributed({ clock, sweepIntervalMs: SWEEP_NEVER_MS });
      return { ...bo, app: bo.app, settle: (eventId) => bo.settle(eventId) };
    },
  },
];

for (const shape of shapes)
  describe.runIf(shape.available)(`holds and payments: ${shape.name}`, () => {
    const clock = manualClock();
    let bo: Shape;

    beforeAll(async () => {
      bo = await shape.start(clock.now);
    }, 60_000);
    afterAll(async () => bo?.dispose());

    async function newEvent() {
      const id = uniqueEventId();
      const response = await bo.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(id, {
          holdTtlSeconds: TTL_SECONDS,
          maxHoldSeconds: MAX_HOLD_SECONDS,
          pools: [{ id: 'ga', capacity: 3, price: 100 }],
          sections: [{ id: 'A', price: 500, rows: [{ id: '1', seats: 4 }] }],
        }),
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json().maxHoldSeconds).toBe(MAX_HOLD_SECONDS);
      return id;
    }

    const hold = async (eventId: string, payload: object) => {
      const response = await bo.app.inject({ method: 'POST', url: `/v1/events/${eventId}/holds`, payload });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const extend = (holdId: string, seconds: number) =>
      bo.app.inject({ method: 'POST', url: `/v1/holds/${holdId}/extend`, payload: { seconds } });
    const confirm = (holdId: string, payload?: object) =>
      bo.app.inject({ method: 'POST', url: `/v1/holds/${holdId}/confirm`, ...(payload ? { payload } : {}) });
    const order = async (eventId: string, orderId: string) => {
      await bo.settle(eventId);
      return (await bo.app.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: admin })).json();
    };

    it('extends a hold up to maxHoldSeconds from placement; the sweeper honours the new expiry', async () => {
      const eventId = await newEvent();
      const held = await hold(eventId, { userId: 'u1', seats: ['A-1-1'] });
      const placedAt = Date.parse(held.createdAt);
      clock.advance(50_000);
      const extended = await extend(held.id, 60);
      expect(extended.statusCode, extended.body).toBe(200);
      expect(Date.parse(extended.json().expiresAt)).toBe(placedAt + 110_000);
      const tooFar = await extend(held.id, 101);
      expect([tooFar.statusCode, tooFar.json().error.code]).toEqual([409, 'hold_extension_limit']);
      const shown = await bo.app.inject({ method: 'GET', url: `/v1/holds/${held.id}` });
      expect(Date.parse(shown.json().expiresAt)).toBe(placedAt + 110_000);
      clock.advance(10_000);
      expect(await bo.sweeper.sweepOnce()).toBe(0);
      clock.advance(50_000);
      expect(await bo.sweeper.sweepOnce()).toBe(1);
      const ended = await extend(held.id, 10);
      expect([ended.statusCode, ended.json().error.code]).toEqual([409, 'hold_expired']);
      const missing = await extend(`h.${eventId}.AAAAAAAAAAAAAAAA`, 10);
      expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'hold_not_found']);
    });

    it('stores the payment reference on the order and shows it wherever the order is', async () => {
      const eventId = await newEvent();
      const held = await hold(eventId, { userId: 'payer', quantity: 2, poolId: 'ga' });
      const wrong = await confirm(held.id, { amount: 199, paymentReference: 'pi_1' });
      expect([wrong.statusCode, wrong.json().error.code]).toEqual([409, 'amount_mismatch']);
      expect((await bo.app.inject({ method: 'GET', url: `/v1/holds/${held.id}` })).json().status).toBe(
        'held',
      );
      const confirmed = await confirm(held.id, { amount: 200, paymentReference: 'pi_1' });
      expect(confirmed.statusCode, confirmed.body).toBe(201);
      expect(confirmed.json()).toMatchObject({ paymentReference: 'pi_1', total: 200 });
      expect(confirmed.json().late).toBeUndefined();
      const orderId = confirmed.json().orderId;
      expect(await order(eventId, orderId)).toMatchObject({ paymentReference: 'pi_1' });
      const listed = await bo.app.inject({ method: 'GET', url: '/v1/buyers/payer/orders', headers: admin });
      expect(listed.json().orders.find((o: { id: string }) => o.id === orderId)).toMatchObject({
        paymentReference: 'pi_1',
      });
      // A second confirm answers the existing order as it is, whatever reference it brings.
      const again = await confirm(held.id, { paymentReference: 'pi_2' });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ orderId, paymentReference: 'pi_1' });
      const againWrong = await confirm(held.id, { amount: 1 });
      expect(againWrong.json().error.code).toBe('amount_mismatch');
    });

    it('confirms with no body or an empty one, as before payments existed', async () => {
      const eventId = await newEvent();
      const first = await hold(eventId, { userId: 'u1', seats: ['A-1-1'] });
      const second = await hold(eventId, { userId: 'u2', seats: ['A-1-2'] });
      const bare = await confirm(first.id);
      expect(bare.statusCode, bare.body).toBe(201);
      expect(bare.json().paymentReference).toBeUndefined();
      const empty = await confirm(second.id, {});
      expect(empty.statusCode, empty.body).toBe(201);
    });

    it('confirms an expired hold late when its seats are still free, and refuses when they were taken', async () => {
      const eventId = await newEvent();
      const free = await hold(eventId, { userId: 'late', seats: ['A-1-3'] });
      const taken = await hold(eventId, { userId: 'slow', seats: ['A-1-4'] });
      const released = await hold(eventId, { userId: 'gone', quantity: 1, poolId: 'ga' });
      await bo.app.inject({ method: 'DELETE', url: `/v1/holds/${released.id}` });
      clock.advance(TTL_SECONDS * 1000);
      expect(await bo.sweeper.sweepOnce()).toBe(2);
      await hold(eventId, { userId: 'quick', seats: ['A-1-4'] });

      const late = await confirm(free.id, { paymentReference: 'pi_late', amount: 500 });
      expect(late.statusCode, late.body).toBe(201);
      expect(late.json()).toMatchObject({ late: true, paymentReference: 'pi_late', status: 'confirmed' });
      expect(await order(eventId, late.json().orderId)).toMatchObject({
        late: true,
        paymentReference: 'pi_late',
      });
      const heldAgain = await bo.app.inject({ method: 'GET', url: `/v1/holds/${free.id}` });
      expect(heldAgain.json().status).toBe('confirmed');
      const twice = await confirm(free.id);
      expect([twice.statusCode, twice.json().orderId]).toEqual([200, late.json().orderId]);

      const refused = await confirm(taken.id, { paymentReference: 'pi_refund' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'hold_expired', reason: 'stock_taken' });
      const stillExpired = await bo.app.inject({ method: 'GET', url: `/v1/holds/${taken.id}` });
      expect(stillExpired.json().status).toBe('expired');

      const notRetaken = await confirm(released.id);
      expect([notRetaken.statusCode, notRetaken.json().error.code]).toEqual([409, 'hold_released']);
      const state = (await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}` })).json();
      expect(state).toMatchObject({ sold: 1, held: 1 });
      expect(state.pools[0]).toMatchObject({ available: 3 });
      // Gate, log and store agree: the late confirm is one order with its ticket, nothing phantom or double.
      await bo.settle(eventId);
      const audit = await bo.app.inject({
        method: 'GET',
        url: `/v1/events/${eventId}/audit`,
        headers: admin,
      });
      expect(audit.json(), audit.body).toMatchObject({
        consistent: true,
        oversold: 0,
        doubleBooked: 0,
        phantom: 0,
      });
    });

    it('takes the stock once when the same late payment is confirmed several times at once', async () => {
      const eventId = await newEvent();
      const held = await hold(eventId, { userId: 'twice', quantity: 2, poolId: 'ga' });
      clock.advance(TTL_SECONDS * 1000);
      // Holds of the earlier cases expire in the same sweep.
      expect(await bo.sweeper.sweepOnce()).toBeGreaterThanOrEqual(1);
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => confirm(held.id, { paymentReference: 'pi_dup' })),
      );
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses, answers.map((answer) => answer.body).join('\n')).toEqual([
        200, 200, 200, 200, 200, 201,
      ]);
      expect(new Set(answers.map((answer) => answer.json().orderId)).size).toBe(1);
      const state = (await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}` })).json();
      expect(state.pools[0]).toMatchObject({ sold: 2, held: 0, available: 1 });
    });
  });
