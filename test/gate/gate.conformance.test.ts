// The behaviour contract of the gate port, run against every adapter: the memory gate, the Redis gate and
// the Redis gate on a Redis Cluster. Whatever shape boxoffice runs in, a client sees the same decisions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rejection } from '../../src/domain/errors.js';
import type { HoldEntry } from '../../src/domain/log-entry.js';
import type { EventSpec, HoldRequest } from '../../src/domain/types.js';
import type { Gate, PlaceCommand, Placed, PlaceOutcome } from '../../src/gate/gate.js';
import { type GateFixture, gateKinds } from './gate-fixtures.js';
import { paymentConformance } from './payment-conformance.js';
import { soldOutConformance } from './sold-out-conformance.js';
import { waitlistConformance } from './waitlist-conformance.js';

const T0 = 1_900_000_000_000;
let sequence = 0;

function spec(overrides: Partial<EventSpec> = {}): EventSpec {
  sequence += 1;
  return {
    id: `conf-${sequence}-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Conformance Night',
    venue: 'Hall',
    startsAt: '2027-01-01T20:00:00.000Z',
    holdTtlSeconds: 60,
    maxPerUser: 6,
    pools: [
      { id: 'ga', name: 'General', capacity: 10, price: 4500 },
      { id: 'vip', name: 'VIP', capacity: 2, price: 9900 },
    ],
    sections: [
      {
        id: 'A',
        name: 'Section A',
        price: 1200,
        rows: [
          { id: '1', seats: 5 },
          { id: '2', seats: 6 },
        ],
      },
    ],
    ...overrides,
  };
}

function command(eventId: string, request: HoldRequest, extra: Partial<PlaceCommand> = {}): PlaceCommand {
  return { eventId, request, confirm: false, nowMs: T0, ...extra };
}

function placed(outcome: PlaceOutcome): Placed {
  if (!outcome.ok || outcome.kind !== 'placed')
    throw new Error(`expected a placed hold, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function code(outcome: { ok: boolean } | Rejection): string | undefined {
  return outcome.ok ? undefined : (outcome as Rejection).code;
}

for (const kind of gateKinds()) {
  describe(`gate conformance: ${kind.name}`, () => {
    let fixture: GateFixture;
    let gate: Gate;
    beforeAll(async () => {
      fixture = await kind.open();
      gate = fixture.gate;
    }, 60_000);
    afterAll(async () => fixture?.close());

    async function event(overrides: Partial<EventSpec> = {}): Promise<EventSpec> {
      const s = spec(overrides);
      expect(await gate.createEvent(s)).toBe(true);
      return s;
    }

    it('creates an event once and lists it', async () => {
      const s = await event();
      expect(await gate.createEvent(s)).toBe(false);
      expect(await gate.eventIds()).toContain(s.id);
      const state = await gate.eventState(s.id);
      expect(state).toMatchObject({ capacity: 23, available: 23, held: 0, sold: 0 });
      expect(state?.pools.map((p) => [p.id, p.available])).toEqual([
        ['ga', 10],
        ['vip', 2],
      ]);
      expect(state?.sections).toEqual([{ id: 'A', capacity: 11, available: 11, held: 0, sold: 0 }]);
      expect(await gate.eventState('no-such-event')).toBeUndefined();
    });

    it('holds counted stock: items, total, expiry, counts, and sold_out past capacity', async () => {
      const s = await event();
      const outcome = placed(
        await gate.placeHold(command(s.id, { userId: 'u1', quantity: 3, poolId: 'ga' })),
      );
      expect(outcome.hold).toMatchObject({
        eventId: s.id,
        userId: 'u1',
        status: 'held',
        items: [{ poolId: 'ga', quantity: 3, price: 4500 }],
        total: 13_500,
        createdAtMs: T0,
        expiresAtMs: T0 + 60_000,
      });
      await outcome.durable;
      expect(await gate.getHold(outcome.hold.id)).toEqual(outcome.hold);
      expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ available: 7, held: 3, sold: 0 });
      expect(code(await gate.placeHold(command(s.id, { userId: 'u2', quantity: 3, poolId: 'vip' })))).toBe(
        'sold_out',
      );
      expect(code(await gate.placeHold(command(s.id, { userId: 'u2', quantity: 1, poolId: 'nope' })))).toBe(
        'pool_not_found',
      );
      expect(code(await gate.placeHold(command('no-such-event', { userId: 'u2', quantity: 1 })))).toBe(
        'event_not_found',
      );
    });

    it('names sold_out before the user limit, and counts live holds and tickets in the limit', async () => {
      const s = await event({ maxPerUser: 4 });
      placed(await gate.placeHold(command(s.id, { userId: 'u1', quantity: 2, poolId: 'ga' })));
      placed(
        await gate.placeHold(command(s.id, { userId: 'u1', quantity: 1, poolId: 'ga' }, { confirm: true })),
      );
      expect(code(await gate.placeHold(command(s.id, { userId: 'u1', quantity: 2, poolId: 'ga' })))).toBe(
        'limit_exceeded',
      );
      expect(code(await gate.placeHold(command(s.id, { userId: 'u1', quantity: 3, poolId: 'vip' })))).toBe(
        'sold_out',
      );
      placed(await gate.placeHold(command(s.id, { userId: 'u1', quantity: 1, poolId: 'vip' })));
    });

    it('holds named seats; refuses taken, unknown and repeated seats', async () => {
      const s = await event();
      const first = placed(await gate.placeHold(command(s.id, { userId: 'u1', seats: ['A-1-2', 'A-2-6'] })));
      expect(first.hold.items).toEqual([
        { seatId: 'A-1-2', quantity: 1, price: 1200 },
        { seatId: 'A-2-6', quantity: 1, price: 1200 },
      ]);
      const taken = await gate.placeHold(command(s.id, { userId: 'u2', seats: ['A-1-1', 'A-1-2'] }));
      expect(taken).toMatchObject({
        ok: false,
        code: 'seat_unavailable',
        message: 'Seat "A-1-2" is held or sold.',
      });
      expect(code(await gate.placeHold(command(s.id, { userId: 'u2', seats: ['A-9-9'] })))).toBe(
        'seat_not_found',
      );
      expect(code(await gate.placeHold(command(s.id, { userId: 'u2', seats: ['A-1-1', 'A-1-1'] })))).toBe(
        'invalid_request',
      );
      const seats = await gate.seatStates(s.id, 'A');
      expect(seats?.filter((seat) => seat.status !== 'available')).toEqual([
        { id: 'A-1-2', status: 'held' },
        { id: 'A-2-6', status: 'held' },
      ]);
      expect(seats).toHaveLength(11);
      expect(await gate.seatStates(s.id, 'Z')).toBeUndefined();
      expect((await gate.eventState(s.id))?.sections[0]).toMatchObject({ available: 9, held: 2 });
    });

    it('reads the seat map as one byte per seat in seat order, with a version that moves with every change', async () => {
      const s = await event({ maxPerUser: 20 });
      const fresh = await gate.seatMap(s.id);
      expect(fresh?.states.toString('latin1')).toBe('00000000000');
      // Unchanged: the same object, so whatever a reader derived from it (a serialisation) is reused.
      expect(await gate.seatMap(s.id)).toBe(fresh);
      const held = placed(await gate.placeHold(command(s.id, { userId: 'u1', seats: ['A-1-2', 'A-2-6'] })));
      const afterHold = await gate.seatMap(s.id);
      expect(afterHold?.version).not.toBe(fresh?.version);
      expect(afterHold?.states.toString('latin1')).toBe('0h00000000h');
      expect(await gate.seatMap(s.id)).toBe(afterHold);
      // Another instance reads the same bytes under the same version (an ETag that any instance honours).
      const peerMap = await fixture.peer()?.seatMap(s.id);
      if (peerMap !== undefined) expect(peerMap).toEqual(afterHold);
      await gate.confirmHold(held.hold.id, T0);
      const afterConfirm = await gate.seatMap(s.id);
      expect(afterConfirm?.states.toString('latin1')).toBe('0s00000000s');
      const other = placed(await gate.placeHold(command(s.id, { userId: 'u2', seats: ['A-1-1'] })));
      await gate.releaseHold(other.hold.id, T0);
      const afterRelease = await gate.seatMap(s.id);
      expect(afterRelease?.states.toString('latin1')).toBe('0s00000000s');
      const versions = [fresh, afterHold, afterConfirm, afterRelease].map((map) => map?.version);
      expect(new Set(versions).size).toBe(4);
      expect(await gate.seatMap('no-such-event')).toBeUndefined();
    });

    it('chooses best available seats: adjacent, no stranded single seat, then scattered', async () => {
      const s = await event({ maxPerUser: 20 });
      // Row 1 has 5 seats: taking 4 from its start would strand seat 5, so the pick goes to row 2.
      const four = placed(await gate.placeHold(command(s.id, { userId: 'u1', quantity: 4, sectionId: 'A' })));
      expect(four.hold.items.map((i) => i.seatId)).toEqual(['A-2-1', 'A-2-2', 'A-2-3', 'A-2-4']);
      const pair = placed(await gate.placeHold(command(s.id, { userId: 'u2', quantity: 2, sectionId: 'A' })));
      expect(pair.hold.items.map((i) => i.seatId)).toEqual(['A-1-1', 'A-1-2']);
      // Left: A-1-3..5 (3 adjacent) and A-2-5..6 (2 adjacent); 4 seats are not adjacent anywhere.
      const scattered = placed(
        await gate.placeHold(command(s.id, { userId: 'u3', quantity: 4, sectionId: 'A' })),
      );
      expect(scattered.hold.items.map((i) => i.seatId)).toEqual(['A-1-3', 'A-1-4', 'A-1-5', 'A-2-5']);
      expect(code(await gate.placeHold(command(s.id, { userId: 'u4', quantity: 2, sectionId: 'A' })))).toBe(
        'sold_out',
      );
      expect(code(await gate.placeHold(command(s.id, { userId: 'u4', quantity: 1, sectionId: 'B' })))).toBe(
        'section_not_found',
      );
    });

    it('confirms a hold into an order with one ticket per unit; a second confirm finds no live hold', async () => {
      const s = await event();
      const hold = placed(
        await gate.placeHold(command(s.id, { userId: 'u1', quantity: 2, poolId: 'ga' }, { nowMs: T0 })),
      ).hold;
      const confirmed = await gate.confirmHold(hold.id, T0 + 1_000);
      if (!confirmed.ok) throw new Error(confirmed.code);
      await confirmed.durable;
      expect(confirmed.order).toMatchObject({
        holdId: hold.id,
        eventId: s.id,
        userId: 'u1',
        total: 9_000,
        createdAtMs: T0 + 1_000,
      });
      expect(confirmed.order.tickets.map((t) => [t.poolId, t.price])).toEqual([
        ['ga', 4500],
        ['ga', 4500],
      ]);
      expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ held: 0, sold: 2, available: 8 });
      expect(code(await gate.confirmHold(hold.id, T0 + 2_000))).toBe('hold_not_found');
      expect(code(await gate.releaseHold(hold.id, T0 + 2_000))).toBe('hold_not_found');
      expect(await gate.getHold(hold.id)).toBeUndefined();
      expect(code(await gate.confirmHold('h.nowhere.xxxxxxxxxxxxxxxx', T0))).toBe('hold_not_found');
      expect(code(await gate.confirmHold('not-a-hold-id', T0))).toBe('hold_not_found');
    });

    it('releases a hold: seats and the user limit come back', async () => {
      const s = await event({ maxPerUser: 2 });
      const hold = placed(
        await gate.placeHold(command(s.id, { userId: 'u1', seats: ['A-1-1', 'A-1-2'] })),
      ).hold;
      expect(code(await gate.placeHold(command(s.id, { userId: 'u1', seats: ['A-1-3'] })))).toBe(
        'limit_exceeded',
      );
      const released = await gate.releaseHold(hold.id, T0 + 10);
      if (!released.ok) throw new Error(released.code);
      expect(released.hold).toMatchObject({ id: hold.id, status: 'released' });
      expect((await gate.eventState(s.id))?.sections[0]).toMatchObject({ held: 0, available: 11 });
      placed(await gate.placeHold(command(s.id, { userId: 'u1', seats: ['A-1-1', 'A-1-2'] })));
    });

    it('expires due holds exactly once; an expired hold cannot be confirmed or released', async () => {
      const s = await event();
      const early = placed(
        await gate.placeHold(command(s.id, { userId: 'u1', quantity: 1, poolId: 'ga' }, { nowMs: T0 })),
      );
      const late = placed(
        await gate.placeHold(command(s.id, { userId: 'u2', seats: ['A-1-1'] }, { nowMs: T0 + 30_000 })),
      );
      expect(code(await gate.confirmHold(early.hold.id, T0 + 60_000))).toBe('hold_expired');
      expect(code(await gate.releaseHold(early.hold.id, T0 + 60_000))).toBe('hold_expired');
      const swept = await gate.sweepExpired(T0 + 60_000);
      await swept.durable;
      expect(swept.expired).toBeGreaterThanOrEqual(1);
      expect(await gate.getHold(early.hold.id)).toBeUndefined();
      expect(await gate.getHold(late.hold.id)).toBeDefined();
      expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ held: 0, available: 10 });
      const log = await fixture.log(s.id);
      expect(log.filter((e) => e.type === 'hold_expired').map((e) => e.hold.id)).toEqual([early.hold.id]);
      await gate.sweepExpired(T0 + 90_000);
      expect((await fixture.log(s.id)).filter((e) => e.type === 'hold_expired')).toHaveLength(2);
      expect((await gate.seatStates(s.id, 'A'))?.[0]).toEqual({ id: 'A-1-1', status: 'available' });
    });

    it('replays an idempotent retry, and refuses the key with another body', async () => {
      const s = await event();
      const request = { userId: 'u1', quantity: 2, poolId: 'ga' };
      const first = placed(await gate.placeHold(command(s.id, request, { idempotencyKey: 'k-1' })));
      const again = await gate.placeHold(command(s.id, request, { idempotencyKey: 'k-1' }));
      expect(again).toMatchObject({ ok: true, kind: 'replayed', holdId: first.hold.id, hold: first.hold });
      const other = await gate.placeHold(
        command(s.id, { ...request, quantity: 1 }, { idempotencyKey: 'k-1' }),
      );
      expect(code(other)).toBe('idempotency_key_reused');
      const asOrder = await gate.placeHold(command(s.id, request, { idempotencyKey: 'k-1', confirm: true }));
      expect(code(asOrder)).toBe('idempotency_key_reused');
      await gate.releaseHold(first.hold.id, T0 + 1);
      const afterEnd = await gate.placeHold(command(s.id, request, { idempotencyKey: 'k-1' }));
      expect(afterEnd).toMatchObject({ ok: true, kind: 'replayed', holdId: first.hold.id });
      expect((afterEnd as { hold?: unknown }).hold).toBeUndefined();
      expect((await gate.eventState(s.id))?.pools[0]?.held).toBe(0);
    });

    it("scopes a key to its buyer: another buyer's replay gets its own outcome, never the first buyer's hold", async () => {
      const s = await event();
      const request = { userId: 'victim', quantity: 2, poolId: 'ga' };
      const victim = placed(await gate.placeHold(command(s.id, request, { idempotencyKey: 'k-shared' })));
      // Same key, same body but another userId: a new request of that buyer, not a replay.
      const thief = placed(
        await gate.placeHold(command(s.id, { ...request, userId: 'thief' }, { idempotencyKey: 'k-shared' })),
      );
      expect(thief.hold.id).not.toBe(victim.hold.id);
      expect(thief.hold.userId).toBe('thief');
      // Another body under the same key is not "reused" either: the thief learns nothing about the key.
      const other = await gate.placeHold(
        command(s.id, { userId: 'thief2', quantity: 1, poolId: 'vip' }, { idempotencyKey: 'k-shared' }),
      );
      expect(other).toMatchObject({ ok: true, kind: 'placed' });
      // The victim's retry still replays the victim's hold.
      const retry = await gate.placeHold(command(s.id, request, { idempotencyKey: 'k-shared' }));
      expect(retry).toMatchObject({ ok: true, kind: 'replayed', holdId: victim.hold.id });
      // A key claimed first by someone else does not block its owner.
      placed(
        await gate.placeHold(command(s.id, { ...request, userId: 'thief' }, { idempotencyKey: 'k-next' })),
      );
      const owner = await gate.placeHold(command(s.id, request, { idempotencyKey: 'k-next' }));
      expect(owner).toMatchObject({ ok: true, kind: 'placed', hold: { userId: 'victim' } });
    });

    it('forgets the oldest keys beyond the per-buyer and per-event bounds, and keys past retention', async () => {
      const bounded = fixture.bounded({ retentionMs: 60_000, keysPerBuyer: 3, keysPerEvent: 5 });
      const s = spec({ maxPerUser: 50, pools: [{ id: 'ga', name: 'GA', capacity: 100, price: 1 }] });
      expect(await bounded.createEvent(s)).toBe(true);
      const place = async (userId: string, key: string, nowMs = T0) =>
        bounded.placeHold(
          command(s.id, { userId, quantity: 1, poolId: 'ga' }, { idempotencyKey: key, nowMs }),
        );
      const kind = async (userId: string, key: string, nowMs = T0) => {
        const outcome = await place(userId, key, nowMs);
        return outcome.ok ? outcome.kind : outcome.code;
      };
      for (const key of ['k1', 'k2', 'k3', 'k4']) expect(await kind('u1', key)).toBe('placed');
      // u1's fourth key pushed out u1's oldest: retrying it is a new request; the newest three replay.
      expect(await fixture.idempotencyRecords(s.id)).toBe(3);
      expect(await kind('u1', 'k4')).toBe('replayed');
      expect(await kind('u1', 'k2')).toBe('replayed');
      expect(await kind('u1', 'k1')).toBe('placed'); // now u1 keeps k3, k4, k1
      expect(await kind('u1', 'k2')).toBe('placed'); // and now k4, k1, k2
      // Other buyers fill the event's bound; the event's oldest key (u1's k4) goes first.
      expect(await kind('u2', 'k1')).toBe('placed');
      expect(await kind('u3', 'k1')).toBe('placed');
      expect(await fixture.idempotencyRecords(s.id)).toBe(5);
      expect(await kind('u4', 'k1')).toBe('placed');
      expect(await fixture.idempotencyRecords(s.id)).toBe(5);
      expect(await kind('u1', 'k1')).toBe('replayed');
      expect(await kind('u1', 'k4')).toBe('placed');
      // Past the retention a key is forgotten: the same request is then a new one.
      expect(await kind('u3', 'k1', T0 + 59_999)).toBe('replayed');
      expect(await kind('u3', 'k1', T0 + 60_000)).toBe('placed');
    });

    it('still holds the per-user limit when a retry comes after its key was forgotten', async () => {
      const bounded = fixture.bounded({ retentionMs: 60_000, keysPerBuyer: 2, keysPerEvent: 100 });
      const s = spec({ maxPerUser: 6 });
      expect(await bounded.createEvent(s)).toBe(true);
      const request = { userId: 'u1', quantity: 4, poolId: 'ga' };
      const first = placed(await bounded.placeHold(command(s.id, request, { idempotencyKey: 'k1' })));
      for (const key of ['k2', 'k3']) {
        const other = placed(
          await bounded.placeHold(command(s.id, { ...request, quantity: 1 }, { idempotencyKey: key })),
        );
        await bounded.releaseHold(other.hold.id, T0);
      }
      // k1 is forgotten: its retry is a new request, refused because u1 still holds the first 4.
      const retry = await bounded.placeHold(command(s.id, request, { idempotencyKey: 'k1' }));
      expect(code(retry)).toBe('limit_exceeded');
      expect(await bounded.getHold(first.hold.id)).toBeDefined();
      expect((await bounded.eventState(s.id))?.pools[0]).toMatchObject({ held: 4 });
    });

    it('keeps a bounded number of keys however many keyed hold+release cycles run', async () => {
      const bounded = fixture.bounded({ retentionMs: 3_600_000, keysPerBuyer: 4, keysPerEvent: 50 });
      const s = spec({ maxPerUser: 50 });
      expect(await bounded.createEvent(s)).toBe(true);
      const counts: number[] = [];
      for (let cycle = 0; cycle < 300; cycle++) {
        const userId = `u${cycle % 20}`;
        const outcome = placed(
          await bounded.placeHold(
            command(s.id, { userId, quantity: 1, poolId: 'ga' }, { idempotencyKey: `fresh-${cycle}` }),
          ),
        );
        await bounded.releaseHold(outcome.hold.id, T0);
        if (cycle % 50 === 49) counts.push(await fixture.idempotencyRecords(s.id));
      }
      // 20 buyers × 4 keys would be 80: the event's bound of 50 holds, and stays flat.
      expect(counts).toEqual([50, 50, 50, 50, 50, 50]);
    });

    it('gives orders and tickets ids from which the hold id cannot be computed', async () => {
      const s = await event();
      const direct = placed(
        await gate.placeHold(command(s.id, { userId: 'u1', seats: ['A-1-1', 'A-1-2'] }, { confirm: true })),
      );
      const held = placed(await gate.placeHold(command(s.id, { userId: 'u2', quantity: 2, poolId: 'ga' })));
      const confirmed = await gate.confirmHold(held.hold.id, T0 + 1);
      if (!confirmed.ok) throw new Error('not confirmed');
      const log = await fixture.log(s.id);
      for (const [hold, order] of [
        [direct.hold, direct.order],
        [held.hold, confirmed.order],
      ] as const) {
        const randomPart = hold.id.slice(hold.id.lastIndexOf('.') + 1);
        expect(order?.id.startsWith(`o.${s.id}.`)).toBe(true);
        expect(order?.id).not.toContain(randomPart);
        for (const ticket of order?.tickets ?? []) expect(ticket.id).not.toContain(randomPart);
        // Every reader of the log derives the same order as the gate answered.
        const logged = log.find((e) => e.type === 'hold_confirmed' && e.hold.id === hold.id);
        expect(logged?.type === 'hold_confirmed' ? logged.order : undefined).toEqual(order);
      }
      expect(direct.hold.orderId).toBe(direct.order?.id);
      expect(confirmed.order.id).not.toBe(direct.order?.id);
    });

    it('places a direct order in one step', async () => {
      const s = await event();
      const outcome = placed(
        await gate.placeHold(
          command(s.id, { userId: 'u1', seats: ['A-2-1'] }, { confirm: true, nowMs: T0 + 5 }),
        ),
      );
      expect(outcome.hold).toMatchObject({ status: 'confirmed', orderId: outcome.order?.id });
      expect(outcome.order?.tickets).toEqual([
        expect.objectContaining({ seatId: 'A-2-1', price: 1200, eventId: s.id, userId: 'u1' }),
      ]);
      expect(await gate.getHold(outcome.hold.id)).toBeUndefined();
      expect((await gate.seatStates(s.id))?.find((seat) => seat.id === 'A-2-1')?.status).toBe('sold');
      expect((await fixture.log(s.id)).map((e) => e.type)).toEqual(['hold_placed', 'hold_confirmed']);
    });

    it('logs every change with the whole hold, in decision order', async () => {
      const s = await event();
      const a = placed(
        await gate.placeHold(
          command(s.id, { userId: 'u1', quantity: 1, poolId: 'ga' }, { idempotencyKey: 'k' }),
        ),
      );
      const b = placed(await gate.placeHold(command(s.id, { userId: 'u2', seats: ['A-1-1'] })));
      await gate.confirmHold(a.hold.id, T0 + 1);
      await gate.releaseHold(b.hold.id, T0 + 2);
      const log = await fixture.log(s.id);
      expect(log.map((e) => [e.type, (e as HoldEntry).hold.id])).toEqual([
        ['hold_placed', a.hold.id],
        ['hold_placed', b.hold.id],
        ['hold_confirmed', a.hold.id],
        ['hold_released', b.hold.id],
      ]);
      expect(log[0]).toMatchObject({ idempotencyKey: 'k', hold: a.hold });
      expect(log[2]).toMatchObject({ atMs: T0 + 1 });
      if (log[2]?.type === 'hold_confirmed') expect(log[2].order.tickets).toHaveLength(1);
    });

    it('sells a pool exactly once under concurrent holds from two instances', async () => {
      const s = await event({
        pools: [{ id: 'ga', name: 'GA', capacity: 100, price: 10 }],
        sections: [],
        maxPerUser: 1,
      });
      const gates = [gate, fixture.peer() ?? gate];
      const outcomes = await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          (gates[i % 2] as Gate).placeHold(command(s.id, { userId: `u${i}`, quantity: 1, poolId: 'ga' })),
        ),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(100);
      expect(outcomes.filter((o) => code(o) === 'sold_out')).toHaveLength(300);
      expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ held: 100, available: 0 });
    });

    it('gives one seat to exactly one of many concurrent holders', async () => {
      const s = await event({ maxPerUser: 1 });
      const gates = [gate, fixture.peer() ?? gate];
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          (gates[i % 2] as Gate).placeHold(command(s.id, { userId: `u${i}`, seats: ['A-1-3'] })),
        ),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => code(o) === 'seat_unavailable')).toHaveLength(199);
    });

    it('cancels an order: seats and stock back on sale, the buyer may buy again, one entry in the log', async () => {
      const s = await event({ maxPerUser: 3 });
      const seats = placed(
        await gate.placeHold(command(s.id, { userId: 'u1', seats: ['A-1-1', 'A-1-2'] }, { confirm: true })),
      );
      const pool = placed(
        await gate.placeHold(command(s.id, { userId: 'u1', quantity: 1, poolId: 'vip' }, { confirm: true })),
      );
      expect(code(await gate.placeHold(command(s.id, { userId: 'u1', quantity: 1, poolId: 'ga' })))).toBe(
        'limit_exceeded',
      );
      const confirmedAtMs = T0;
      const first = await gate.cancelOrder({ hold: seats.hold, confirmedAtMs, nowMs: T0 + 5 });
      if (!first.ok) throw new Error(`cancel refused: ${first.code}`);
      await first.durable;
      expect(first).toMatchObject({ orderId: seats.order?.id, cancelledAtMs: T0 + 5, first: true });
      const cancelledPool = await gate.cancelOrder({ hold: pool.hold, confirmedAtMs, nowMs: T0 + 6 });
      expect(cancelledPool.ok).toBe(true);
      const state = await gate.eventState(s.id);
      expect(state).toMatchObject({ sold: 0, held: 0, available: 23 });
      expect(state?.pools[1]).toMatchObject({ id: 'vip', sold: 0, available: 2 });
      expect(state?.sections[0]).toMatchObject({ sold: 0, available: 11 });
      const map = await gate.seatStates(s.id, 'A');
      expect(map?.slice(0, 2).map((seat) => seat.status)).toEqual(['available', 'available']);
      expect((await gate.seatMap(s.id))?.states.subarray(0, 2).toString()).toBe('00');
      // The buyer's count dropped by the cancelled items: three again.
      placed(await gate.placeHold(command(s.id, { userId: 'u1', quantity: 3, poolId: 'ga' })));
      // Another buyer takes the freed seats and stock.
      placed(
        await gate.placeHold(command(s.id, { userId: 'u2', seats: ['A-1-1', 'A-1-2'] }, { confirm: true })),
      );
      placed(await gate.placeHold(command(s.id, { userId: 'u3', quantity: 2, poolId: 'vip' })));
      const log = await fixture.log(s.id);
      const cancels = log.filter((entry) => entry.type === 'order_cancelled');
      expect(cancels.map((entry) => entry.hold.id)).toEqual([seats.hold.id, pool.hold.id]);
      expect(cancels[0]).toMatchObject({ orderId: seats.order?.id, confirmedAtMs, atMs: T0 + 5 });
    });

    it('answers a second cancellation with the first, changing nothing', async () => {
      const s = await event({ maxPerUser: 8 });
      const order = placed(
        await gate.placeHold(command(s.id, { userId: 'u1', quantity: 2, poolId: 'ga' }, { confirm: true })),
      );
      const first = await gate.cancelOrder({ hold: order.hold, confirmedAtMs: T0, nowMs: T0 + 1 });
      expect(first.ok).toBe(true);
      placed(
        await gate.placeHold(command(s.id, { userId: 'u2', quantity: 8, poolId: 'ga' }, { confirm: true })),
      );
      const other = fixture.peer() ?? gate;
      const again = await other.cancelOrder({ hold: order.hold, confirmedAtMs: T0, nowMs: T0 + 9 });
      if (!again.ok) throw new Error(`second cancel refused: ${again.code}`);
      expect(again).toMatchObject({ orderId: order.order?.id, cancelledAtMs: T0 + 1, first: false });
      // Nothing returned twice: the pool is still sold out, and the log has one cancellation.
      expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ sold: 8, available: 2 });
      const log = await fixture.log(s.id);
      expect(log.filter((entry) => entry.type === 'order_cancelled')).toHaveLength(1);
    });

    it('refuses to cancel an order whose stock the gate does not hold as sold', async () => {
      const s = await event();
      const hold = placed(await gate.placeHold(command(s.id, { userId: 'u1', seats: ['A-2-1'] })));
      // A live hold, not an order: its seat is held, not sold.
      expect(code(await gate.cancelOrder({ hold: hold.hold, confirmedAtMs: T0, nowMs: T0 + 1 }))).toBe(
        'order_not_found',
      );
      expect((await gate.eventState(s.id))?.held).toBe(1);
    });

    it('closes and reopens sales: placements refused meanwhile, live holds still confirmed or released', async () => {
      const s = await event();
      const before = placed(
        await gate.placeHold(
          command(s.id, { userId: 'u1', quantity: 1, poolId: 'ga' }, { idempotencyKey: 'k1' }),
        ),
      );
      const other = placed(await gate.placeHold(command(s.id, { userId: 'u2', quantity: 1, poolId: 'ga' })));
      expect(await gate.updateEvent({ spec: { ...s, name: 'Renamed' }, salesOpen: false })).toBe(true);
      const peer = fixture.peer() ?? gate;
      for (const g of [gate, peer]) {
        expect(code(await g.placeHold(command(s.id, { userId: 'u3', quantity: 1, poolId: 'ga' })))).toBe(
          'sales_closed',
        );
        expect(
          code(await g.placeHold(command(s.id, { userId: 'u3', seats: ['A-1-1'] }, { confirm: true }))),
        ).toBe('sales_closed');
        expect(await g.eventState(s.id)).toMatchObject({
          salesOpen: false,
          held: 2,
          spec: { name: 'Renamed' },
        });
      }
      // A retry of a placement accepted before the sales closed is answered as accepted.
      const retry = await peer.placeHold(
        command(s.id, { userId: 'u1', quantity: 1, poolId: 'ga' }, { idempotencyKey: 'k1' }),
      );
      expect(retry).toMatchObject({ ok: true, kind: 'replayed', holdId: before.hold.id });
      expect((await peer.confirmHold(before.hold.id, T0 + 1)).ok).toBe(true);
      expect((await peer.releaseHold(other.hold.id, T0 + 1)).ok).toBe(true);
      // A change of the name alone leaves the sales as they are.
      expect(await gate.updateEvent({ spec: { ...s, name: 'Again' } })).toBe(true);
      expect(await peer.eventState(s.id)).toMatchObject({ salesOpen: false, spec: { name: 'Again' } });
      expect(await peer.updateEvent({ spec: s, salesOpen: true })).toBe(true);
      expect((await gate.eventState(s.id))?.salesOpen).toBe(true);
      placed(await gate.placeHold(command(s.id, { userId: 'u3', quantity: 1, poolId: 'ga' })));
      expect(await gate.updateEvent({ spec: { ...s, id: 'no-such-event' }, salesOpen: false })).toBe(false);
    });

    it("returns an order's stock once when many cancellations of it race on two instances", async () => {
      const s = await event();
      const order = placed(
        await gate.placeHold(command(s.id, { userId: 'u1', quantity: 2, poolId: 'vip' }, { confirm: true })),
      );
      const gates = [gate, fixture.peer() ?? gate];
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (gates[i % 2] as Gate).cancelOrder({ hold: order.hold, confirmedAtMs: T0, nowMs: T0 + 1 + i }),
        ),
      );
      const firsts = outcomes.filter((outcome) => outcome.ok && outcome.first);
      expect(firsts).toHaveLength(1);
      const times = new Set(outcomes.map((outcome) => (outcome.ok ? outcome.cancelledAtMs : -1)));
      expect(times.size).toBe(1);
      expect((await gate.eventState(s.id))?.pools[1]).toMatchObject({ sold: 0, held: 0, available: 2 });
      expect((await fixture.log(s.id)).filter((entry) => entry.type === 'order_cancelled')).toHaveLength(1);
    });
    paymentConformance({ gate: () => gate, fixture: () => fixture, event, t0: T0 });
    waitlistConformance({ gate: () => gate, fixture: () => fixture, event, t0: T0 });
    soldOutConformance({ gate: () => gate, fixture: () => fixture, event, t0: T0 });
  });
}
