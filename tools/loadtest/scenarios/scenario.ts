// A scenario is a numbered sequence of flows — one simulated user's visit: one hold, or a hold and what
// follows it. The runner starts flows on free connections; a flow draws its choices from flowRandom(seed,
// index), so what flow n asks for does not depend on timing.
import type { Actions } from '../actions.js';

export interface Scenario {
  /** The most requests flow `index` sends; reserved before it starts, so that --requests is never passed. */
  requestsOf(index: number): number;
  /** Runs flow `index`; resolves to the requests it sent, which a refused hold makes fewer than reserved. */
  runFlow(index: number, actions: Actions): Promise<number>;
  /** The scenario's own end (everything sold); no flow starts once it is true. */
  isFinished(): boolean;
}

/** The settings a scenario draws its flows from. */
export interface FlowSettings {
  readonly seed: number;
  readonly users: number;
  /** Makes Idempotency-Keys unique to the run, so that a rerun against the same server never replays one. */
  readonly runTag: string;
}

/** `u-<n>` for n from 1 to the number of users. */
export function userOf(random: () => number, settings: FlowSettings): string {
  return `u-${1 + Math.floor(random() * settings.users)}`;
}
