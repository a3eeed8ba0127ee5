// Ids that clients see. Hold ids are random (a guessable id would let anyone release another's hold) and
// carry their event id, so any gate, including a sharded one, can route a hold to its event.
// The order a hold becomes has a random part of its own, drawn when the hold is placed and kept with the
// hold (its `orderToken`, in the log entry and in the store): confirming twice, replaying the log or
// rebuilding a gate yields the same order id, and neither id can be computed from the other. Ticket ids
// extend the order id.
import { randomFillSync } from 'node:crypto';

const RANDOM_BYTES = 12;
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** 96 random bits as 16 base64url characters; one syscall per 341 ids instead of one per id. */
function randomToken(): string {
  if (offset + RANDOM_BYTES > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + RANDOM_BYTES);
  offset += RANDOM_BYTES;
  return token;
}

export function newHoldId(eventId: string): string {
  return `h.${eventId}.${randomToken()}`;
}

/** The event of a hold, order or ticket id, or undefined when the id has not the shape of one. */
export function eventIdOf(id: string): string | undefined {
  const first = id.indexOf('.');
  const last = id.indexOf('.', first + 1);
  if (first !== 1 || last < 0) return undefined;
  return id.slice(first + 1, last);
}

/** The random part of the order id of a hold, drawn at placement, independent of the hold id. */
export function newOrderToken(): string {
  return randomToken();
}

/** What an order id is derived from: the hold and the order token it was placed with. */
export interface OrderIdSource {
  readonly id: string;
  readonly eventId: string;
  readonly orderToken?: string;
}

/**
 * The id of the order a hold becomes. Holds placed before order tokens existed have none: their orders keep
 * the id they were given then (the hold's random part), so stored orders stay reachable.
 */
export function orderIdOf(hold: OrderIdSource): string {
  if (hold.orderToken === undefined) return `o${hold.id.slice(1)}`;
  return `o.${hold.eventId}.${hold.orderToken}`;
}

export function ticketIdOf(orderId: string, index: number): string {
  return `t${orderId.slice(1)}.${index}`;
}

export function newEventId(): string {
  return `ev_${randomToken()}`;
}
