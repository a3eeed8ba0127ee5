// The random commands of the model-based property tests: holds by pool, by named seats and best available,
// direct orders, confirms, releases, extensions, late payments, cancellations of orders, time passing, expiry
// sweeps, and retries of earlier requests under their Idempotency-Key. Ids are drawn from small sets so that
// commands collide often.
import fc from 'fast-check';
import type { HoldRequest } from '../../src/domain/types.js';
import type { WaitlistRequest } from '../../src/domain/waitlist.js';
import { SEAT_IDS, TTL_MS } from './gate-model.js';

export type PlaceModelCommand = {
  readonly kind: 'place';
  readonly request: HoldRequest;
  readonly key?: string | undefined;
  readonly confirm: boolean;
};

/**
 * `pick` chooses, modulo their number, among earlier keyed placements (retry) or earlier holds (confirm,
 * release): with `live` among the holds still held, else among every hold placed, ended ones included.
 */
export type ModelCommand =
  | PlaceModelCommand
  | { readonly kind: 'retry'; readonly pick: number }
  | { readonly kind: 'confirm' | 'release'; readonly pick: number; readonly live: boolean }
  /** Cancels the order of a confirmed hold (`pick` among the holds ever confirmed, cancelled ones included). */
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'extend'; readonly pick: number; readonly seconds: number }
  /** A payment that arrives now for an earlier hold: live, expired or already confirmed late. */
  | { readonly kind: 'payLate'; readonly pick: number }
  /** Joins the waitlist of a pool (the model's waitlist is of pools: it predicts offers exactly). */
  | { readonly kind: 'join'; readonly request: WaitlistRequest }
  | { readonly kind: 'leave'; readonly userId: string }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'sweep' };

export type EndModelCommand = Extract<ModelCommand, { kind: 'confirm' | 'release' }>;
export type CancelModelCommand = Extract<ModelCommand, { kind: 'cancel' }>;
export type ExtendModelCommand = Extract<ModelCommand, { kind: 'extend' }>;
export type PayLateModelCommand = Extract<ModelCommand, { kind: 'payLate' }>;
export type JoinModelCommand = Extract<ModelCommand, { kind: 'join' }>;
export type LeaveModelCommand = Extract<ModelCommand, { kind: 'leave' }>;

const user = fc.constantFrom('u1', 'u2', 'u3', 'u4');
/** Half the placements carry a key; a key is often used again, mostly for another request. */
const key = fc.option(fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5', 'k6'), { freq: 2, nil: undefined });
const request: fc.Arbitrary<HoldRequest> = fc.oneof(
  fc.record({
    userId: user,
    quantity: fc.integer({ min: 1, max: 3 }),
    poolId: fc.constantFrom('ga', 'vip', 'nope'),
  }),
  fc.record({
    userId: user,
    seats: fc.uniqueArray(fc.constantFrom(...SEAT_IDS, 'A-9-9'), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ userId: user, seats: fc.constantFrom(['A-1-1', 'A-1-1']) }),
  fc.record({ userId: user, quantity: fc.integer({ min: 1, max: 4 }), sectionId: fc.constant('A') }),
);

/** Time passing; now and then exactly one TTL, so that a hold is met at the millisecond it expires. */
const advanceMs = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 12_000 }) },
  { weight: 1, arbitrary: fc.constant(TTL_MS) },
);

export const modelCommand: fc.Arbitrary<ModelCommand> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('place' as const), request, key, confirm: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat(40) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('confirm' as const, 'release' as const),
      pick: fc.nat(40),
      live: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(40) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extend' as const),
      pick: fc.nat(40),
      seconds: fc.integer({ min: 1, max: 25 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('payLate' as const), pick: fc.nat(40) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: advanceMs }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'sweep' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      request: fc.record({
        userId: user,
        quantity: fc.integer({ min: 1, max: 4 }),
        poolId: fc.constantFrom('ga', 'vip', 'ga', 'vip', 'nope'),
      }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), userId: user }) },
);

// Arrays may be empty: fast-check shrinks an array by dropping items from its start, or by shrinking the
// part after the first item down to its minimum length only; with minLength 0 the commands after the one
// that fails can be dropped, and counterexamples end where they fail.

/** Every buyer leaves the waitlist: before the last sweep of a run, so that no stock returned is offered. */
export const LEAVE_ALL: readonly ModelCommand[] = ['u1', 'u2', 'u3', 'u4'].map((userId) => ({
  kind: 'leave' as const,
  userId,
}));

/** A few commands, after which gate, model and log are compared. */
export const commandGroup = fc.array(modelCommand, { maxLength: 6 });

/** A whole run: groups of commands against one fresh event. */
export const groupsOfRun = <T>(group: fc.Arbitrary<T>) => fc.array(group, { maxLength: 25 });
