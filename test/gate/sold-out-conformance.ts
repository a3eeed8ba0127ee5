// The sold-out marks of the gate conformance suite (gate.conformance.test.ts runs them on every adapter): the
// entry that takes an event's last units on sale, every pool and section then at none available, carries
// `soldOut: true`, decided in the same step as the entry; no other entry does. A placement, a direct order,
// a waitlist offer and a late confirm that takes its stock back can each sell the event out, again each time
// stock came back; a rush from two instances marks exactly one entry.
import { expect, it } from 'vitest';
import { isHoldEntry, type LogEntry } from '../../src/domain/log-entry.js';
import type { EventSpec, Hold, HoldRequest } from '../../src/domain/types.js';
import { newWaitlistEntryId } from '../../src/domain/waitlist.js';
import type { Gate, Placed, PlaceOutcome } from '../../src/gate/gate.js';
import type { GateFixture } from './gate-fixtures.js';

export interface SoldOutContext {
  readonly gate: () => Gate;
  readonly fixture: () => GateFixture;
  readonly event: (overrides?: Partial<EventSpec>) => Promise<EventSpec>;
  readonly t0: number;
}

/** A pool of two and a section of one row of two seats: four units in all. */
const FOUR: Partial<EventSpec> = {
  maxPerUser: 4,
  offerTtlSeconds: 30,
  pools: [{ id: 'ga', name: 'General', capacity: 2, price: 4500 }],
  sections: [{ id: 'A', name: 'Section A', price: 1200, rows: [{ id: '1', seats: 2 }] }],
};

function placed(outcome: PlaceOutcome): Placed {
  if (!outcome.ok || outcome.kind !== 'placed')
    throw new Error(`expected a placed hold, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** Each hold entry as `<type>`, with ` sold out` when it carries the mark. */
function marks(log: readonly LogEntry[]): string[] {
  return log
    .filter(isHoldEntry)
    .map((entry) => `${entry.type}${'soldOut' in entry && entry.soldOut === true ? ' sold out' : ''}`);
}

export function soldOutConformance(ctx: SoldOutContext): void {
  const T0 = ctx.t0;
  const place = async (eventId: string, request: HoldRequest, confirm = false, nowMs = T0) => {
    const outcome = placed(await ctx.gate().placeHold({ eventId, request, confirm, nowMs }));
    await outcome.durable;
    return outcome.hold;
  };

  it('sold out: marks the placement or direct order that takes the last unit, and again after a restock', async () => {
    const gate = ctx.gate();
    const s = await ctx.event(FOUR);
    await place(s.id, { userId: 'u1', quantity: 2, poolId: 'ga' }); // the pool is gone, the section is not
    const seat = await place(s.id, { userId: 'u2', seats: ['A-1-1'] });
    await place(s.id, { userId: 'u3', quantity: 1, sectionId: 'A' }, true);
    expect(await gate.eventState(s.id)).toMatchObject({ available: 0, held: 3, sold: 1 });
    const released = await gate.releaseHold(seat.id, T0 + 1);
    if (released.ok) await released.durable;
    await place(s.id, { userId: 'u4', seats: ['A-1-1'] });
    expect(marks(await ctx.fixture().log(s.id))).toEqual([
      'hold_placed',
      'hold_placed',
      // A direct order: its placement takes the stock, its confirmation only moves it from held to sold.
      'hold_placed sold out',
      'hold_confirmed',
      'hold_released',
      'hold_placed sold out',
    ]);
  });

  it('sold out: a rush from two instances marks exactly one entry, the one that took the last unit', async () => {
    const s = await ctx.event({
      pools: [{ id: 'ga', name: 'GA', capacity: 30, price: 10 }],
      sections: [],
      maxPerUser: 1,
    });
    const gates = [ctx.gate(), ctx.fixture().peer() ?? ctx.gate()];
    const outcomes = await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        (gates[i % 2] as Gate).placeHold({
          eventId: s.id,
          request: { userId: `r${i}`, quantity: 1, poolId: 'ga' },
          confirm: i % 3 === 0,
          nowMs: T0,
        }),
      ),
    );
    await Promise.all(outcomes.map((outcome) => (outcome.ok ? outcome.durable : undefined)));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(30);
    const placements = (await ctx.fixture().log(s.id)).filter((entry) => entry.type === 'hold_placed');
    expect(placements).toHaveLength(30);
    const marked = placements.flatMap((entry, i) => (entry.soldOut === true ? [i] : []));
    expect(marked).toEqual([29]);
    expect(marks(await ctx.fixture().log(s.id)).filter((mark) => mark.endsWith('sold out'))).toHaveLength(1);
  });

  it('sold out: a waitlist offer that takes the returned stock sells the event out again', async () => {
    const gate = ctx.gate();
    const s = await ctx.event({ ...FOUR, pools: [{ id: 'ga', name: 'General', capacity: 1, price: 4500 }] });
    const first = await place(s.id, { userId: 'u1', quantity: 1, poolId: 'ga' });
    await place(s.id, { userId: 'u2', quantity: 1, sectionId: 'A' });
    await place(s.id, { userId: 'u3', quantity: 1, sectionId: 'A' });
    const joined = await gate.joinWaitlist({
      eventId: s.id,
      request: { userId: 'w1', quantity: 1, poolId: 'ga' },
      entryId: newWaitlistEntryId(s.id),
      nowMs: T0,
    });
    if (!joined.ok) throw new Error(`join refused: ${joined.code}`);
    await joined.durable;
    const released = await gate.releaseHold(first.id, T0 + 1);
    if (!released.ok) throw new Error(`release refused: ${released.code}`);
    await released.durable;
    expect(released.offers).toHaveLength(1);
    expect(marks(await ctx.fixture().log(s.id))).toEqual([
      'hold_placed',
      'hold_placed',
      'hold_placed sold out',
      'hold_released',
      'hold_placed sold out',
    ]);
  });

  it('sold out: a late confirm that takes its expired stock back marks only when it takes the last unit', async () => {
    const gate = ctx.gate();
    const s = await ctx.event({ ...FOUR, sections: [] });
    const a = await place(s.id, { userId: 'u1', quantity: 1, poolId: 'ga' });
    const b = await place(s.id, { userId: 'u2', quantity: 1, poolId: 'ga' });
    await (await gate.sweepExpired(T0 + 60_000)).durable;
    const expired = (hold: Hold): Hold => ({ ...hold, status: 'expired' });
    for (const hold of [a, b]) {
      const late = await gate.confirmExpired(expired(hold), {}, T0 + 61_000);
      if (!late.ok) throw new Error(`late confirm refused: ${late.code}`);
      await late.durable;
    }
    expect((await gate.eventState(s.id))?.pools[0]).toMatchObject({ sold: 2, available: 0 });
    expect(marks(await ctx.fixture().log(s.id))).toEqual([
      'hold_placed',
      'hold_placed sold out',
      'hold_expired',
      'hold_expired',
      'hold_confirmed',
      'hold_confirmed sold out',
    ]);
  });
}
