// The payment cases of the gate conformance suite (gate.conformance.test.ts runs them on every adapter):
// extension within and past the event's maxHoldSeconds, the sweeper honouring the new expiry, late confirms
// of expired holds (still free, taken, raced by other buyers) and amount mismatches that change nothing.
import { expect, it } from 'vitest';
import type { Rejection } from '../../src/domain/errors.js';
import type { EventSpec, Hold, HoldRequest } from '../../src/domain/types.js';
import type { Gate, Placed, PlaceOutcome } from '../../src/gate/gate.js';
import type { GateFixture } from './gate-fixtures.js';

export interface PaymentContext {
  readonly gate: () => Gate;
  readonly fixture: () => GateFixture;
  readonly event: (overrides?: Partial<EventSpec>) => Promise<EventSpec>;
  /** Time of every placement in the suite (the events' TTL is 60 s, so maxHoldSeconds defaults to 120). */
  readonly t0: number;
}

function placed(outcome: PlaceOutcome): Placed {
  if (!outcome.ok || outcome.kind !== 'placed')
    throw new Error(`expected a placed hold, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function refusal(outcome: { ok: boolean } | Rejection): Partial<Rejection> {
  if (outcome.ok) return {};
  const { code, reason } = outcome as Rejection;
  return reason === undefined ? { code } : { code, reason };
}

export function paymentConformance(ctx: PaymentContext): void {
  const T0 = ctx.t0;
  const place = async (eventId: string, request: HoldRequest) => {
    const outcome = placed(await ctx.gate().placeHold({ eventId, request, confirm: false, nowMs: T0 }));
    await outcome.durable;
    return outcome.hold;
  };
  const expiredCopy = (hold: Hold): Hold => ({ ...hold, status: 'expired' });

  it('extends a live hold within maxHoldSeconds from placement, and refuses past it changing nothing', async () => {
    const gate = ctx.gate();
    const s = await ctx.event({ maxHoldSeconds: 120 });
    const hold = await place(s.id, { userId: 'u1', seats: ['A-1-1'] });
    const extended = await gate.extendHold(hold.id, 60, T0 + 30_000);
    expect(extended).toMatchObject({ ok: true, hold: { id: hold.id, expiresAtMs: T0 + 90_000 } });
    if (extended.ok) await extended.durable;
    expect((await gate.getHold(hold.id))?.expiresAtMs).toBe(T0 + 90_000);
    const logged = await ctx.fixture().log(s.id);
    expect(logged.at(-1)).toMatchObject({
      type: 'hold_extended',
      previousExpiresAtMs: T0 + 60_000,
      hold: { id: hold.id, expiresAtMs: T0 + 90_000 },
    });
    // Up to the limit exactly is allowed; one second past it is refused and changes nothing.
    expect(refusal(await gate.extendHold(hold.id, 91, T0 + 30_000))).toEqual({
      code: 'hold_extension_limit',
    });
    expect((await gate.getHold(hold.id))?.expiresAtMs).toBe(T0 + 90_000);
    expect(await ctx.fixture().log(s.id)).toHaveLength(logged.length);
    const atLimit = await gate.extendHold(hold.id, 90, T0 + 30_000);
    expect(atLimit).toMatchObject({ ok: true, hold: { expiresAtMs: T0 + 120_000 } });
    // Asking for less than the hold has left never shortens it.
    expect(await gate.extendHold(hold.id, 1, T0 + 31_000)).toMatchObject({
      ok: true,
      hold: { expiresAtMs: T0 + 120_000 },
    });
    expect(refusal(await gate.extendHold('h_nope', 10, T0))).toEqual({ code: 'hold_not_found' });
  });

  it('sweeps an extended hold at its new expiry, not the old one', async () => {
    const gate = ctx.gate();
    const s = await ctx.event();
    const hold = await place(s.id, { userId: 'u1', quantity: 2, poolId: 'ga' });
    const extended = await gate.extendHold(hold.id, 60, T0 + 50_000);
    if (extended.ok) await extended.durable;
    (await gate.sweepExpired(T0 + 60_000)).durable;
    expect(await gate.getHold(hold.id)).toBeDefined();
    expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ held: 2 });
    // The extension refuses a hold past its (new) expiry, as confirm's plain path does.
    expect(refusal(await gate.extendHold(hold.id, 10, T0 + 110_000))).toEqual({ code: 'hold_expired' });
    const swept = await gate.sweepExpired(T0 + 110_000);
    await swept.durable;
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect(await gate.getHold(hold.id)).toBeUndefined();
    expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ held: 0, available: 10 });
  });

  it('refuses a confirm whose amount differs from the total, changing nothing; the right amount confirms', async () => {
    const gate = ctx.gate();
    const s = await ctx.event();
    const hold = await place(s.id, { userId: 'u1', quantity: 2, poolId: 'ga' });
    const before = await ctx.fixture().log(s.id);
    expect(
      refusal(await gate.confirmPaid(hold.id, { amount: 8_999, reference: 'pi_x' }, T0 + 1_000)),
    ).toEqual({
      code: 'amount_mismatch',
    });
    expect(await gate.getHold(hold.id)).toEqual(hold);
    expect(await ctx.fixture().log(s.id)).toHaveLength(before.length);
    expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ held: 2, sold: 0 });
    const confirmed = await gate.confirmPaid(hold.id, { amount: 9_000, reference: 'pi_x' }, T0 + 1_000);
    expect(confirmed).toMatchObject({ ok: true, order: { total: 9_000, paymentReference: 'pi_x' } });
    if (confirmed.ok) {
      await confirmed.durable;
      expect(confirmed.order.late).toBeUndefined();
    }
    expect((await ctx.fixture().log(s.id)).at(-1)).toMatchObject({
      type: 'hold_confirmed',
      order: { paymentReference: 'pi_x' },
    });
  });

  it('confirms late a hold past its expiry that the sweeper has not ended yet', async () => {
    const gate = ctx.gate();
    const s = await ctx.event();
    const hold = await place(s.id, { userId: 'u1', seats: ['A-1-4'] });
    const late = await gate.confirmPaid(hold.id, { reference: 'pi_late' }, T0 + 61_000);
    expect(late).toMatchObject({ ok: true, order: { late: true, paymentReference: 'pi_late' } });
    if (late.ok) await late.durable;
    expect((await gate.eventState(s.id))?.sections[0]).toMatchObject({ held: 0, sold: 1 });
    // The plain confirm keeps its old answer for an expired hold.
    const other = await place(s.id, { userId: 'u2', seats: ['A-1-5'] });
    expect(refusal(await gate.confirmHold(other.id, T0 + 61_000))).toEqual({ code: 'hold_expired' });
  });

  it('confirms late a swept hold whose seats and stock are still free: re-taken in one step, once', async () => {
    const gate = ctx.gate();
    const s = await ctx.event();
    const seats = await place(s.id, { userId: 'u1', seats: ['A-2-1', 'A-2-2'] });
    const pool = await place(s.id, { userId: 'u1', quantity: 3, poolId: 'ga' });
    await (await gate.sweepExpired(T0 + 60_000)).durable;
    expect((await gate.eventState(s.id))?.held).toBe(0);
    expect(refusal(await gate.confirmExpired(expiredCopy(seats), { amount: 1 }, T0 + 70_000))).toEqual({
      code: 'amount_mismatch',
    });
    const late = await gate.confirmExpired(expiredCopy(seats), { reference: 'pi_1' }, T0 + 70_000);
    expect(late).toMatchObject({
      ok: true,
      order: { holdId: seats.id, late: true, paymentReference: 'pi_1' },
    });
    if (late.ok) await late.durable;
    const latePool = await gate.confirmExpired(expiredCopy(pool), {}, T0 + 70_000);
    expect(latePool).toMatchObject({ ok: true, order: { late: true, total: 13_500 } });
    if (latePool.ok) await latePool.durable;
    const state = await gate.eventState(s.id);
    expect(state?.sections[0]).toMatchObject({ held: 0, sold: 2 });
    expect(state?.pools[0]).toMatchObject({ held: 0, sold: 3, available: 7 });
    // The buyer's count grew again: maxPerUser 6, 5 bought, so 2 more are refused.
    expect(
      refusal(
        await gate.placeHold({
          eventId: s.id,
          request: { userId: 'u1', quantity: 2, poolId: 'ga' },
          confirm: false,
          nowMs: T0 + 70_000,
        }),
      ),
    ).toEqual({ code: 'limit_exceeded' });
    // A second late confirm of the same hold takes nothing: the caller answers with the existing order.
    expect(refusal(await gate.confirmExpired(expiredCopy(seats), {}, T0 + 71_000))).toEqual({
      code: 'hold_confirmed',
    });
    expect((await gate.eventState(s.id))?.sections[0]).toMatchObject({ sold: 2 });
    const entry = (await ctx.fixture().log(s.id)).find(
      (e) => e.type === 'hold_confirmed' && e.hold.id === seats.id,
    );
    expect(entry).toMatchObject({ retaken: true, order: { late: true, paymentReference: 'pi_1' } });
  });

  it('refuses a late confirm with reason stock_taken when another buyer has the seat or stock, changing nothing', async () => {
    const gate = ctx.gate();
    const s = await ctx.event();
    const seat = await place(s.id, { userId: 'u1', seats: ['A-1-1'] });
    const vip = await place(s.id, { userId: 'u1', quantity: 2, poolId: 'vip' });
    await (await gate.sweepExpired(T0 + 60_000)).durable;
    const later = T0 + 61_000;
    placed(
      await gate.placeHold({
        eventId: s.id,
        request: { userId: 'u2', seats: ['A-1-1'] },
        confirm: false,
        nowMs: later,
      }),
    );
    placed(
      await gate.placeHold({
        eventId: s.id,
        request: { userId: 'u3', quantity: 1, poolId: 'vip' },
        confirm: true,
        nowMs: later,
      }),
    );
    const before = await ctx.fixture().log(s.id);
    const stateBefore = await gate.eventState(s.id);
    expect(refusal(await gate.confirmExpired(expiredCopy(seat), {}, later))).toEqual({
      code: 'hold_expired',
      reason: 'stock_taken',
    });
    expect(refusal(await gate.confirmExpired(expiredCopy(vip), {}, later))).toEqual({
      code: 'hold_expired',
      reason: 'stock_taken',
    });
    expect(await gate.eventState(s.id)).toEqual(stateBefore);
    expect(await ctx.fixture().log(s.id)).toHaveLength(before.length);
  });

  it('refuses a late confirm that would pass the per-user limit, changing nothing', async () => {
    const gate = ctx.gate();
    const s = await ctx.event({ maxPerUser: 6 });
    const first = await place(s.id, { userId: 'u1', quantity: 3, poolId: 'ga' });
    await (await gate.sweepExpired(T0 + 60_000)).durable;
    const later = T0 + 61_000;
    placed(
      await gate.placeHold({
        eventId: s.id,
        request: { userId: 'u1', quantity: 4, poolId: 'ga' },
        confirm: false,
        nowMs: later,
      }),
    );
    const stateBefore = await gate.eventState(s.id);
    expect(refusal(await gate.confirmExpired(expiredCopy(first), {}, later))).toEqual({
      code: 'limit_exceeded',
    });
    expect(await gate.eventState(s.id)).toEqual(stateBefore);
  });

  it('gives a freed seat to exactly one of a late payer and a rush of other buyers', async () => {
    const gate = ctx.gate();
    const s = await ctx.event({ maxPerUser: 1 });
    const hold = await place(s.id, { userId: 'payer', seats: ['A-2-3'] });
    await (await gate.sweepExpired(T0 + 60_000)).durable;
    const gates = [gate, ctx.fixture().peer() ?? gate];
    const later = T0 + 61_000;
    const rush = Array.from({ length: 60 }, (_, i) =>
      (gates[i % 2] as Gate).placeHold({
        eventId: s.id,
        request: { userId: `rush${i}`, seats: ['A-2-3'] },
        confirm: false,
        nowMs: later,
      }),
    );
    const late = (gates[1] as Gate).confirmExpired(expiredCopy(hold), {}, later);
    const outcomes = await Promise.all([...rush.slice(0, 30), late, ...rush.slice(30)]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const lateOutcome = await late;
    if (!lateOutcome.ok)
      expect(refusal(lateOutcome)).toEqual({ code: 'hold_expired', reason: 'stock_taken' });
    const section = (await gate.eventState(s.id))?.sections[0];
    expect((section?.held ?? 0) + (section?.sold ?? 0)).toBe(1);
  });
}
