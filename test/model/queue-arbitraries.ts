// The random runs of the waiting room's model-based property test: an event's queue settings and stock, then
// joins, status calls (heartbeats), time passing, admission steps, holds placed with passes (valid, expired,
// missing or another buyer's), holds released or sold, orders cancelled, pause and resume, changes of the
// rate and of maxActive, and sales closed or reopened. Buyers are few, so that commands collide often, and
// the early joiners' possible orders stay few enough to list.
import fc from 'fast-check';
import { BUYERS } from './queue-model.js';

/** `peer`: the call goes to the other instance (Redis: another connection; memory: the same room). */
export type RoomCommand =
  | { readonly kind: 'join'; readonly buyerId: string; readonly draw: number; readonly peer: boolean }
  | { readonly kind: 'status'; readonly buyerIds: readonly string[]; readonly peer: boolean }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'admit'; readonly peer: boolean }
  /** A placement by `buyerId` sending the pass `passOf` was given (none: no header). */
  | { readonly kind: 'hold'; readonly buyerId: string; readonly passOf: string }
  | { readonly kind: 'release' | 'sell' | 'cancel' }
  | { readonly kind: 'pause'; readonly paused: boolean }
  | { readonly kind: 'reconfigure'; readonly admitPerMinute: number; readonly maxActive: number }
  /** The admin moves the sales start to this long from now (after the start: nobody is reordered). */
  | { readonly kind: 'moveStart'; readonly inMs: number }
  | { readonly kind: 'sales'; readonly open: boolean };

export interface RoomRunSpec {
  /** The run starts before the queue opens (its first joins are refused), else at the opening. */
  readonly beforeOpening: boolean;
  /** The sales start, after the queue opens. */
  readonly startAfterMs: number;
  readonly admitPerMinute: number;
  readonly passMinutes: number;
  readonly maxActive: number;
  readonly paused: boolean;
  /** Tickets on sale. */
  readonly capacity: number;
  readonly abandonAfterMs: number;
  readonly commands: readonly RoomCommand[];
}

const buyer = fc.constantFrom(...BUYERS);
/** Pauses and closed sales are the exception: most of a run admits. */
const mostlyFalse = fc.oneof(
  { weight: 3, arbitrary: fc.constant(false) },
  { weight: 1, arbitrary: fc.constant(true) },
);
const mostlyTrue = mostlyFalse.map((value) => !value);
/** Rates whose credit is rarely a whole number in binary (7, 90 a minute), and ones that are. */
const admitPerMinute = fc.constantFrom(1, 7, 60, 90, 600, 6_000, 60_000);
const maxActive = fc.integer({ min: 1, max: 4 });
/** Draws repeat now and then: a tie is broken by the buyer id, on every adapter. */
const draw = fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(0, 0.5));
/** Time passing: mostly a few seconds, sometimes past an abandonment, a pass or the rate window. */
const advanceMs = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 5_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 70_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 1_000, 30_000, 60_000) },
  // Tenths of a second: at 60 a minute they add up to whole admissions that floating point may miss.
  { weight: 2, arbitrary: fc.constantFrom(100, 200, 300, 700) },
);

const join = fc.record({ kind: fc.constant('join' as const), buyerId: buyer, draw, peer: fc.boolean() });
/** A run opens with a crowd: buyers joining a few hundred ms apart, early for most of the sales starts. */
const crowd = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: join },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1_500 }) }),
    },
  ),
  { maxLength: 12, size: 'max' },
);

export const roomCommand: fc.Arbitrary<RoomCommand> = fc.oneof(
  { weight: 5, arbitrary: join },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      buyerIds: fc.uniqueArray(buyer, { minLength: 1, maxLength: BUYERS.length }),
      peer: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: advanceMs }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('admit' as const), peer: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      { weight: 4, arbitrary: buyer.map((buyerId) => ({ kind: 'hold' as const, buyerId, passOf: buyerId })) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('hold' as const), buyerId: buyer, passOf: buyer }),
      },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('release' as const, 'sell' as const, 'cancel' as const) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), paused: mostlyFalse }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('reconfigure' as const), admitPerMinute, maxActive }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sales' as const), open: mostlyTrue }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('moveStart' as const), inMs: fc.constantFrom(0, 1_000, 5_000) }),
  },
);

export const roomRun: fc.Arbitrary<RoomRunSpec> = fc.record({
  beforeOpening: mostlyFalse,
  startAfterMs: fc.constantFrom(0, 1_000, 3_000, 10_000),
  admitPerMinute,
  passMinutes: fc.constantFrom(1, 2),
  maxActive,
  paused: mostlyFalse,
  capacity: fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 6 }) },
  ),
  abandonAfterMs: fc.constantFrom(10_000, 30_000, 120_000),
  // May be empty: fast-check then drops the commands after the one that fails (see arbitraries.ts).
  commands: fc
    .tuple(crowd, fc.array(roomCommand, { maxLength: 40, size: 'max' }))
    .map(([first, then]) => [...first, ...then]),
});
