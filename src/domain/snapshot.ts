// What the store keeps that a gate needs back after a restart: event definitions, the holds that still
// occupy stock (live or confirmed), and the idempotency keys still within retention.
import type { EventSpec, Hold } from './types.js';
import type { WaitlistEntry } from './waitlist.js';

export interface IdempotencySnapshot {
  readonly eventId: string;
  /** The buyer who sent the key: keys are looked up under (event, buyer, key). */
  readonly userId: string;
  readonly key: string;
  readonly holdId: string;
  readonly fingerprint: string;
  readonly createdAtMs: number;
}

export interface CancelledOrderSnapshot {
  readonly eventId: string;
  readonly orderId: string;
  readonly cancelledAtMs: number;
}

export interface GateSnapshot {
  readonly events: readonly EventSpec[];
  /** Holds with status `held` (live, with their original expiry) or `confirmed` (sold stock). */
  readonly holds: readonly Hold[];
  /** Ordered by createdAtMs, so that pruning by retention stays in insertion order. */
  readonly idempotency: readonly IdempotencySnapshot[];
  /** Cancelled orders (their holds are not in `holds`: their stock is on sale), never to be cancelled again. */
  readonly cancelledOrders?: readonly CancelledOrderSnapshot[];
  /** Ids of the events whose sales an admin closed. */
  readonly closedEvents?: readonly string[];
  /** Buyers still in line on waitlists, per event in order of joining (seq). */
  readonly waitlist?: readonly WaitlistEntry[];
}
