// The queue scenario's load: every buyer is one flow that joins the waiting room, polls its place until it is
// admitted (or told sold_out / closed), then holds 1-4 tickets with its Queue-Pass and confirms. Half the
// buyers join before salesStartAt (the fair start draws their order), the others join after it, spread over a
// second. Bounded like the closed-loop scenarios: by --requests (each request reserved before it is sent), by
// --duration (no flow goes on past it), and by a hard limit that aborts whatever is still in flight.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Actions } from '../actions.js';
import type { EventLayout } from '../event-layout.js';
import { flowRandom, oneTo } from '../random.js';
import { HARD_LIMIT_GRACE_MS, type RunEnd } from '../runner.js';
import type { BuyerObservation } from './admission-check.js';

/** A buyer's status is polled this often; the server admits every 250 ms. */
export const QUEUE_POLL_MS = 500;
/** The late half joins spread over this long after salesStartAt. */
const LATE_SPREAD_MS = 1_000;
const QUANTITY_MAX = 4;

export interface QueuePlan {
  readonly buyers: number;
  readonly poolId: string;
  readonly layout: EventLayout;
  /** performance.now() of salesStartAt. */
  readonly startAtMs: number;
  readonly durationMs: number;
  readonly requestsMax: number;
  readonly seed: number;
}

export interface QueueRun {
  readonly end: RunEnd;
  readonly observations: readonly BuyerObservation[];
  /** How the buyers' last status ended: admitted, sold_out, closed, waiting (at the deadline), unanswered. */
  readonly lastStates: Readonly<Record<string, number>>;
}

export async function driveQueue(
  actionsFor: (signal: AbortSignal) => Actions,
  plan: QueuePlan,
  interrupted: AbortSignal,
): Promise<QueueRun> {
  const deadlineMs = performance.now() + plan.durationMs;
  const hardLimit = AbortSignal.timeout(plan.durationMs + HARD_LIMIT_GRACE_MS);
  setMaxListeners(plan.buyers * 2 + 10, hardLimit);
  const actions = actionsFor(hardLimit);
  let sent = 0;
  let budgetSpent = false;
  const stopped = () => interrupted.aborted || performance.now() >= deadlineMs;
  /** Reserves `count` requests of the budget; false once --requests would be passed. */
  const reserve = (count: number) => {
    if (sent + count > plan.requestsMax) budgetSpent = true;
    else sent += count;
    return !budgetSpent;
  };
  const observations: BuyerObservation[] = [];
  const lastStates: Record<string, number> = {};
  const early = Math.ceil(plan.buyers / 2);
  const quantityMax = Math.max(1, Math.min(QUANTITY_MAX, plan.layout.maxPerUser));

  const buyer = async (index: number) => {
    const userId = `u-${index + 1}`;
    const lateIndex = index - early;
    if (lateIndex >= 0) {
      const joinAtMs = plan.startAtMs + ((lateIndex + 1) * LATE_SPREAD_MS) / (plan.buyers - early + 1);
      await sleep(Math.max(0, Math.min(joinAtMs, deadlineMs) - performance.now()));
    }
    if (stopped() || !reserve(1)) return;
    const joined = await actions.joinQueue(userId);
    const observation = {
      buyerId: userId,
      joinSentMs: joined.sentAtMs,
      joinAnsweredMs: joined.receivedAtMs,
      joinedBeforeStart: fieldOf(joined.view, 'position') === null,
      passExpiriesMs: [] as number[],
    };
    observations.push(observation);
    let view = joined.view;
    let state = seen(view, observation);
    while (state === 'waiting' && !stopped()) {
      await sleep(QUEUE_POLL_MS, undefined, { signal: hardLimit }).catch(() => undefined);
      if (stopped() || !reserve(1)) break;
      view = await actions.queueStatus(userId);
      state = seen(view, observation);
    }
    lastStates[state] = (lastStates[state] ?? 0) + 1;
    const pass = fieldOf(view, 'pass');
    if (state !== 'admitted' || typeof pass !== 'string' || stopped() || !reserve(2)) return;
    const quantity = oneTo(flowRandom(plan.seed, index), quantityMax);
    const placed = await actions.placeHold({ userId, quantity, poolId: plan.poolId }, undefined, pass);
    if ('hold' in placed) await actions.confirmHold(placed.hold);
  };

  await Promise.all(Array.from({ length: plan.buyers }, (_, index) => buyer(index)));
  const stopReason = interrupted.aborted
    ? 'interrupted'
    : budgetSpent
      ? 'requests'
      : (lastStates.waiting ?? 0) > 0
        ? 'duration'
        : 'buyers served';
  return { end: { stopReason, flows: observations.length }, observations, lastStates };
}

/** The state a status shows (`unanswered` when the call failed), noting the pass expiry when admitted. */
function seen(view: unknown, observation: { passExpiriesMs: number[] }): string {
  const state = fieldOf(view, 'state');
  const expiresAt = fieldOf(view, 'passExpiresAt');
  if (state === 'admitted' && typeof expiresAt === 'string') {
    const expiresMs = Date.parse(expiresAt);
    if (!observation.passExpiriesMs.includes(expiresMs)) observation.passExpiriesMs.push(expiresMs);
  }
  return typeof state === 'string' ? state : 'unanswered';
}

function fieldOf(view: unknown, field: string): unknown {
  return typeof view === 'object' && view !== null ? (view as Record<string, unknown>)[field] : undefined;
}
