// The waitlist cases of the gate conformance suite (gate.conformance.test.ts runs them on every adapter):
// joining only a sold-out pool or section, one place per buyer, leaving; stock that comes back by a release,
// an expiry or a cancellation offered in the same step to the first buyer in line whose request fits, never
// to a concurrent rush of other buyers; a lapsed offer passing on; offers counting toward maxPerUser.
import { expect, it } from 'vitest';
import type { Rejection } from '../../src/domain/errors.js';
import { type HoldPlaced, isHoldEntry } from '../../src/domain/log-entry.js';
import type { EventSpec, Hold, HoldRequest } from '../../src/domain/types.js';
import { newWaitlistEntryId, type WaitlistRequest } from '../../src/domain/waitlist.js';
import type { Gate, Placed, PlaceOutcome, WaitlistJoined } from '../../src/gate/gate.js';
import type { GateFixture } from './gate-fixtures.js';

export interface WaitlistContext {
  readonly gate: () => Gate;
  readonly fixture: () => GateFixture;
  readonly event: (overrides?: Partial<EventSpec>) => Promise<EventSpec>;
  readonly t0: number;
}

function placed(outcome: PlaceOutcome): Placed {
  if (!outcome.ok || outcome.kind !== 'placed')
    throw new Error(`expected a placed hold, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function code(outcome: { ok: boolean } | Rejection): string | undefined {
  return outcome.ok ? undefined : (outcome as Rejection).code;
}

function joined(outcome: WaitlistJoined | Rejection): WaitlistJoined {
  if (!outcome.ok) throw new Error(`expected a place in line, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** Two pools (ga: 4, vip: 2) and a section of two rows of three seats; offers live 30 s. */
const SMALL: Partial<EventSpec> = {
  maxPerUser: 4,
  offerTtlSeconds: 30,
  pools: [
    { id: 'ga', name: 'General', capacity: 4, price: 4500 },
    { id: 'vip', name: 'VIP', capacity: 2, price: 9900 },
  ],
  sections: [
    {
      id: 'A',
      name: 'Section A',
      price: 1200,
      rows: [
        { id: '1', seats: 3 },
        { id: '2', seats: 3 },
      ],
    },
  ],
};

export function waitlistConformance(ctx: WaitlistContext): void {
  const T0 = ctx.t0;
  const place = async (eventId: string, request: HoldRequest, nowMs = T0) => {
    const outcome = placed(await ctx.gate().placeHold({ eventId, request, confirm: false, nowMs }));
    await outcome.durable;
    return outcome.hold;
  };
  const join = (eventId: string, request: WaitlistRequest, nowMs = T0) =>
    ctx.gate().joinWaitlist({ eventId, request, entryId: newWaitlistEntryId(eventId), nowMs });
  const offersIn = async (eventId: string): Promise<HoldPlaced[]> =>
    (await ctx.fixture().log(eventId)).filter(
      (entry): entry is HoldPlaced => entry.type === 'hold_placed' && entry.offer !== undefined,
    );

  it('waitlist: refuses what is not sold out or not valid, changing nothing', async () => {
    const s = await ctx.event(SMALL);
    expect(code(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'ga' }))).toBe('not_sold_out');
    expect(code(await join(s.id, { userId: 'w1', quantity: 1, sectionId: 'A' }))).toBe('not_sold_out');
    await place(s.id, { userId: 'u1', quantity: 3, poolId: 'ga' });
    // One left: a buyer asking for two may wait, one asking for one may buy it.
    expect(code(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'ga' }))).toBe('not_sold_out');
    expect(code(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'nope' }))).toBe('pool_not_found');
    expect(code(await join(s.id, { userId: 'w1', quantity: 1, sectionId: 'Z' }))).toBe('section_not_found');
    expect(code(await join(s.id, { userId: 'w1', quantity: 1 }))).toBe('invalid_request');
    expect(code(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'ga', sectionId: 'A' }))).toBe(
      'invalid_request',
    );
    expect(code(await join(s.id, { userId: 'w1', quantity: 5, poolId: 'ga' }))).toBe('limit_exceeded');
    expect(code(await join('no-such-event', { userId: 'w1', quantity: 1, poolId: 'ga' }))).toBe(
      'event_not_found',
    );
    expect(await ctx.gate().waitlistSpot(s.id, 'w1')).toBeUndefined();
    expect(code(await ctx.gate().leaveWaitlist(s.id, 'w1', T0))).toBe('waitlist_entry_not_found');
  });

  it('waitlist: one place per buyer, in order of joining, per pool or section; leaving moves the line up', async () => {
    const s = await ctx.event(SMALL);
    await place(s.id, { userId: 'u1', quantity: 2, poolId: 'vip' });
    const first = joined(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'vip' }));
    expect(first.created).toBe(true);
    expect(first.spot).toMatchObject({
      position: 1,
      entry: { eventId: s.id, userId: 'w1', quantity: 1, poolId: 'vip', joinedAtMs: T0 },
    });
    const second = joined(await join(s.id, { userId: 'w2', quantity: 2, poolId: 'vip' }, T0 + 1));
    expect(second.spot.position).toBe(2);
    // The same request again answers the same place; another request is refused.
    const again = joined(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'vip' }, T0 + 2));
    expect(again).toMatchObject({ created: false, spot: { position: 1, entry: first.spot.entry } });
    expect(code(await join(s.id, { userId: 'w1', quantity: 2, poolId: 'vip' }))).toBe('already_waitlisted');
    expect(await ctx.gate().waitlistSpot(s.id, 'w2')).toEqual(second.spot);
    const left = await ctx.gate().leaveWaitlist(s.id, 'w1', T0 + 3);
    expect(left.ok && left.entry).toEqual(first.spot.entry);
    expect((await ctx.gate().waitlistSpot(s.id, 'w2'))?.position).toBe(1);
    expect(await ctx.gate().waitlistSpot(s.id, 'w1')).toBeUndefined();
    // Joining after leaving is a new place at the end.
    const back = joined(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'vip' }, T0 + 4));
    expect(back.spot.position).toBe(2);
    expect(back.spot.entry.id).not.toBe(first.spot.entry.id);
  });

  it('waitlist: a release offers its stock in the same step to the first buyer in line whose request fits', async () => {
    const s = await ctx.event(SMALL);
    const a = await place(s.id, { userId: 'u1', quantity: 1, poolId: 'vip' });
    await place(s.id, { userId: 'u2', quantity: 1, poolId: 'vip' });
    const big = joined(await join(s.id, { userId: 'w1', quantity: 2, poolId: 'vip' }));
    const small = joined(await join(s.id, { userId: 'w2', quantity: 1, poolId: 'vip' }, T0 + 1));
    const released = await ctx.gate().releaseHold(a.id, T0 + 10);
    if (!released.ok) throw new Error(released.code);
    await released.durable;
    // w1 asks for two and one came back: w2, next in line, gets it.
    expect(released.offers).toHaveLength(1);
    const offer = released.offers?.[0] as Hold;
    expect(offer).toMatchObject({
      userId: 'w2',
      status: 'held',
      items: [{ poolId: 'vip', quantity: 1, price: 9900 }],
      total: 9900,
      createdAtMs: T0 + 10,
      expiresAtMs: T0 + 10 + 30_000,
    });
    expect(await ctx.gate().getHold(offer.id)).toEqual(offer);
    expect((await ctx.gate().eventState(s.id))?.pools[1]).toMatchObject({ available: 0, held: 2 });
    expect(await ctx.gate().waitlistSpot(s.id, 'w2')).toBeUndefined();
    expect((await ctx.gate().waitlistSpot(s.id, 'w1'))?.position).toBe(1);
    const log = (await ctx.fixture().log(s.id)).filter(isHoldEntry);
    expect(log.slice(-2).map((e) => [e.type, e.hold.id])).toEqual([
      ['hold_released', a.id],
      ['hold_placed', offer.id],
    ]);
    expect((log.at(-1) as HoldPlaced).offer).toEqual(small.spot.entry);
    expect(big.spot.entry.userId).toBe('w1');
    // An offer is confirmed like any hold.
    const confirmed = await ctx.gate().confirmHold(offer.id, T0 + 20);
    expect(confirmed.ok && confirmed.order.tickets).toHaveLength(1);
  });

  it('waitlist: a concurrent rush of other buyers never gets the released stock', async () => {
    const s = await ctx.event({ ...SMALL, maxPerUser: 1 });
    const holds = [
      await place(s.id, { userId: 'u1', quantity: 1, poolId: 'vip' }),
      await place(s.id, { userId: 'u2', quantity: 1, poolId: 'vip' }),
    ];
    joined(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'vip' }));
    joined(await join(s.id, { userId: 'w2', quantity: 1, poolId: 'vip' }, T0 + 1));
    const gates = [ctx.gate(), ctx.fixture().peer() ?? ctx.gate()];
    const rush = Array.from({ length: 100 }, (_, i) =>
      (gates[i % 2] as Gate).placeHold({
        eventId: s.id,
        request: { userId: `r${i}`, quantity: 1, poolId: 'vip' },
        confirm: false,
        nowMs: T0 + 10,
      }),
    );
    const releases = holds.map((hold, i) => (gates[i % 2] as Gate).releaseHold(hold.id, T0 + 10));
    const outcomes = await Promise.all(rush);
    await Promise.all(releases);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(0);
    expect(outcomes.every((o) => code(o) === 'sold_out')).toBe(true);
    const offers = await offersIn(s.id);
    expect(offers.map((o) => o.hold.userId).sort()).toEqual(['w1', 'w2']);
    expect((await ctx.gate().eventState(s.id))?.pools[1]).toMatchObject({ available: 0, held: 2 });
  });

  it('waitlist: a lapsed offer passes to the next buyer in line in the sweep that expires it', async () => {
    const s = await ctx.event(SMALL);
    const a = await place(s.id, { userId: 'u1', quantity: 2, poolId: 'vip' });
    joined(await join(s.id, { userId: 'w1', quantity: 2, poolId: 'vip' }));
    joined(await join(s.id, { userId: 'w2', quantity: 1, poolId: 'vip' }, T0 + 1));
    joined(await join(s.id, { userId: 'w3', quantity: 1, poolId: 'vip' }, T0 + 2));
    const released = await ctx.gate().releaseHold(a.id, T0 + 10);
    const first = released.ok ? (released.offers?.[0] as Hold) : undefined;
    expect(first).toMatchObject({ userId: 'w1', expiresAtMs: T0 + 10 + 30_000 });
    // The sweep is of every event of the gate: only this event's part is looked at.
    const ours = (hold: Hold) => hold.eventId === s.id;
    await (await ctx.gate().sweepExpired(T0 + 10 + 29_999)).durable;
    expect(await ctx.gate().getHold(first?.id as string)).toEqual(first);
    const swept = await ctx.gate().sweepExpired(T0 + 10 + 30_000);
    await swept.durable;
    // The lapsed offer's two units go to w2 and w3, each as its own offer.
    expect(swept.offers?.filter(ours).map((o) => o.userId)).toEqual(['w2', 'w3']);
    expect(await ctx.gate().getHold(first?.id as string)).toBeUndefined();
    const log = (await ctx.fixture().log(s.id)).filter(isHoldEntry);
    expect(log.slice(-3).map((e) => [e.type, e.hold.userId])).toEqual([
      ['hold_expired', 'w1'],
      ['hold_placed', 'w2'],
      ['hold_placed', 'w3'],
    ]);
    expect((await ctx.gate().eventState(s.id))?.pools[1]).toMatchObject({ available: 0, held: 2 });
  });

  it('waitlist: a sweep offers once every due hold has ended, whatever order it takes them in', async () => {
    const s = await ctx.event({ ...SMALL, maxPerUser: 2 });
    await place(s.id, { userId: 'u1', quantity: 2, poolId: 'vip' });
    // w1 waits for two VIP while holding one GA of its own, which expires in the same sweep: taken one by
    // one, u1's VIP would come back while w1 was still at its limit and go to nobody.
    await place(s.id, { userId: 'w1', quantity: 1, poolId: 'ga' }, T0 + 1);
    joined(await join(s.id, { userId: 'w1', quantity: 2, poolId: 'vip' }, T0 + 2));
    const swept = await ctx.gate().sweepExpired(T0 + 1 + s.holdTtlSeconds * 1000);
    await swept.durable;
    const offers = swept.offers?.filter((hold) => hold.eventId === s.id);
    expect(offers?.map((o) => [o.userId, o.items])).toEqual([
      ['w1', [{ poolId: 'vip', quantity: 2, price: 9900 }]],
    ]);
    expect((await ctx.gate().eventState(s.id))?.pools[1]).toMatchObject({ available: 0, held: 2 });
  });

  it('waitlist: offers count toward maxPerUser, and a buyer at the limit is passed over', async () => {
    const s = await ctx.event({ ...SMALL, maxPerUser: 2 });
    const a = await place(s.id, { userId: 'u1', quantity: 2, poolId: 'vip' });
    await place(s.id, { userId: 'w1', quantity: 2, poolId: 'ga' });
    await place(s.id, { userId: 'u2', quantity: 2, poolId: 'ga' });
    // w1 holds two already (the limit): its place is kept but passed over; w2 gets the offer.
    joined(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'vip' }));
    joined(await join(s.id, { userId: 'w2', quantity: 2, poolId: 'vip' }, T0 + 1));
    const released = await ctx.gate().releaseHold(a.id, T0 + 10);
    expect(released.ok && released.offers?.map((o) => o.userId)).toEqual(['w2']);
    expect((await ctx.gate().waitlistSpot(s.id, 'w1'))?.position).toBe(1);
    // w2's offer counts: it may not hold more.
    await expect(
      ctx.gate().placeHold({
        eventId: s.id,
        request: { userId: 'w2', quantity: 1, poolId: 'ga' },
        confirm: false,
        nowMs: T0 + 11,
      }),
    ).resolves.toMatchObject({ ok: false });
  });

  it('waitlist: returned seats of a section are offered best available; a cancelled order offers too', async () => {
    const s = await ctx.event(SMALL);
    const row1 = await place(s.id, { userId: 'u1', seats: ['A-1-1', 'A-1-2', 'A-1-3'] });
    const order = placed(
      await ctx.gate().placeHold({
        eventId: s.id,
        request: { userId: 'u2', seats: ['A-2-1', 'A-2-2', 'A-2-3'] },
        confirm: true,
        nowMs: T0,
      }),
    );
    joined(await join(s.id, { userId: 'w1', quantity: 2, sectionId: 'A' }));
    const released = await ctx.gate().releaseHold(row1.id, T0 + 10);
    expect(released.ok && released.offers?.[0]?.items.map((i) => i.seatId)).toEqual(['A-1-1', 'A-1-2']);
    expect((await ctx.gate().eventState(s.id))?.sections[0]).toMatchObject({ available: 1, held: 2 });
    joined(await join(s.id, { userId: 'w2', quantity: 3, sectionId: 'A' }, T0 + 11));
    const cancelled = await ctx.gate().cancelOrder({
      hold: { ...order.hold, status: 'held', orderId: undefined },
      confirmedAtMs: T0,
      nowMs: T0 + 12,
    });
    expect(cancelled.ok && cancelled.offers?.[0]).toMatchObject({
      userId: 'w2',
      items: [{ seatId: 'A-2-1' }, { seatId: 'A-2-2' }, { seatId: 'A-2-3' }],
    });
    const log = (await ctx.fixture().log(s.id)).filter(isHoldEntry);
    expect(log.slice(-2).map((e) => e.type)).toEqual(['order_cancelled', 'hold_placed']);
  });

  it('waitlist: without anyone in line, or with sales closed, returned stock is simply on sale', async () => {
    const s = await ctx.event(SMALL);
    const a = await place(s.id, { userId: 'u1', quantity: 2, poolId: 'vip' });
    joined(await join(s.id, { userId: 'w1', quantity: 1, poolId: 'vip' }));
    expect(await ctx.gate().updateEvent({ spec: s, salesOpen: false })).toBe(true);
    const released = await ctx.gate().releaseHold(a.id, T0 + 10);
    expect(released.ok && (released.offers ?? [])).toEqual([]);
    expect((await ctx.gate().eventState(s.id))?.pools[1]).toMatchObject({ available: 2, held: 0 });
    expect(await offersIn(s.id)).toEqual([]);
  });
}
