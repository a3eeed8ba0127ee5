// Ids that clients see. Hold ids are random (a guessable id would let anyone release another's hold) and
// carry their event id, so any gate, including a sharded one, can route a hold to its event.
// Order and ticket ids are derived from the hold id: confirming twice yields the same order by construction.
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

export function orderIdOf(holdId: string): string {
  return `o${holdId.slice(1)}`;
}

export function ticketIdOf(holdId: string, index: number): string {
  return `t${holdId.slice(1)}.${index}`;
}

export function newEventId(): string {
  return `ev_${randomToken()}`;
}
