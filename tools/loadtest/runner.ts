// Drives a scenario: one loop per connection, each starting the next flow as soon as its last one ended
// (a closed loop: the server's speed sets the pace). Every loop is bounded three ways: by the request budget,
// reserved per flow before it starts and settled when it ends; by the deadline, after which no flow starts;
// and by a hard limit, after which requests still in flight are aborted.
import { setMaxListeners } from 'node:events';
import type { Actions } from './actions.js';
import { REQUEST_TIMEOUT_MS } from './http-target.js';
import type { Scenario } from './scenarios/scenario.js';

export type StopReason = 'requests' | 'duration' | 'sold out' | 'buyers served' | 'interrupted';

export interface RunBounds {
  readonly connections: number;
  readonly requestsMax: number;
  readonly durationMs: number;
}

export interface RunEnd {
  readonly stopReason: StopReason;
  readonly flows: number;
}

/**
 * A flow started just before the deadline sends at most three requests, each bounded by the request
 * timeout; past this grace whatever is still in flight is aborted.
 */
export const HARD_LIMIT_GRACE_MS = 3 * REQUEST_TIMEOUT_MS;

export async function drive(
  scenario: Scenario,
  actionsFor: (signal: AbortSignal) => Actions,
  bounds: RunBounds,
  interrupted: AbortSignal,
): Promise<RunEnd> {
  const deadlineMs = performance.now() + bounds.durationMs;
  const hardLimit = AbortSignal.timeout(bounds.durationMs + HARD_LIMIT_GRACE_MS);
  // Each request in flight listens to the signal: one per connection, not a leak.
  setMaxListeners(bounds.connections * 2 + 10, hardLimit);
  // An interrupt only stops new flows: the ones in flight finish, so their holds are tallied, not lost.
  const actions = actionsFor(hardLimit);
  let nextFlow = 0;
  let reservedRequests = 0;
  let budgetSpent = false;
  const loop = async () => {
    while (!interrupted.aborted && !scenario.isFinished() && performance.now() < deadlineMs) {
      const index = nextFlow;
      const needed = scenario.requestsOf(index);
      if (reservedRequests + needed > bounds.requestsMax) {
        budgetSpent = true;
        return;
      }
      reservedRequests += needed;
      nextFlow++;
      const sent = await scenario.runFlow(index, actions);
      // A refused hold ends its flow early: what it reserved and did not send goes back to the budget.
      reservedRequests -= needed - sent;
    }
  };
  await Promise.all(Array.from({ length: bounds.connections }, loop));
  const stopReason: StopReason = interrupted.aborted
    ? 'interrupted'
    : scenario.isFinished()
      ? 'sold out'
      : budgetSpent
        ? 'requests'
        : 'duration';
  return { stopReason, flows: nextFlow };
}
