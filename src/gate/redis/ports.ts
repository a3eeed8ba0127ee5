// What the Redis gate offers beyond the gate port, each a port of its own so that its users name what they
// depend on: the ending records (read side), the log's tail with the counts (audit), rebuilding (start-up
// and reconcile).
import type { LogEntry } from '../../domain/log-entry.js';
import type { EventState, Hold, Order } from '../../domain/types.js';

export type { EventRebuilder } from './missing-events.js';

/** A hold that ended in the gate and whose ending the store may not show yet (the projection lags). */
export interface RecentEndings {
  recentEnding(holdId: string): Promise<{ hold: Hold; atMs: number; order?: Order } | undefined>;
}

/**
 * The event's log stream read together with the gate's counts: where unacknowledged entries begin, the
 * counts and every entry from there on in one atomic step, and the entries the projectors gave up on.
 */
export interface GateLogView {
  tailStart(eventId: string): Promise<string>;
  view(eventId: string, tailFrom?: string): Promise<{ state: EventState; tail: LogEntry[] } | undefined>;
  deadLetters(eventId: string): Promise<number>;
}
