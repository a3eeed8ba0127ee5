// Which of the three shapes a hold request has. The schema checks types and bounds; this checks the
// combination, which JSON Schema expresses badly (oneOf errors are unreadable for clients).
import { createHash } from 'node:crypto';
import { type Rejection, reject } from './errors.js';
import type { EventSpec, HoldRequest } from './types.js';

/** 132 bits of SHA-256 in base64url: two different requests under one key never collide in practice. */
const FINGERPRINT_LENGTH = 22;

export type HoldTarget =
  | { readonly kind: 'pool'; readonly poolId: string; readonly quantity: number }
  | { readonly kind: 'section'; readonly sectionId: string; readonly quantity: number }
  | { readonly kind: 'seats'; readonly seatIds: readonly string[] };

export function targetOf(request: HoldRequest, spec: EventSpec): HoldTarget | Rejection {
  const { quantity, poolId, sectionId, seats } = request;
  if (seats !== undefined) {
    if (quantity !== undefined || poolId !== undefined || sectionId !== undefined) {
      return reject('invalid_request', 'Give either seats, or a quantity with a poolId or a sectionId.');
    }
    if (seats.length === 0) return reject('invalid_request', 'seats must name at least one seat.');
    return { kind: 'seats', seatIds: seats };
  }
  if (quantity === undefined) {
    return reject('invalid_request', 'Give either seats, or a quantity with a poolId or a sectionId.');
  }
  if (poolId !== undefined && sectionId !== undefined) {
    return reject('invalid_request', 'Give a poolId or a sectionId, not both.');
  }
  if (poolId !== undefined) return { kind: 'pool', poolId, quantity };
  if (sectionId !== undefined) return { kind: 'section', sectionId, quantity };
  // An event with one pool and no seats is the common general-admission case: the pool may go unnamed.
  const only = spec.pools[0];
  if (spec.pools.length === 1 && spec.sections.length === 0 && only !== undefined) {
    return { kind: 'pool', poolId: only.id, quantity };
  }
  return reject('invalid_request', 'This event has several pools or seats: name a poolId or a sectionId.');
}

/**
 * A digest of what was asked, to tell a retry from a different request under one key. A digest, not the
 * canonical text itself: the gates remember one per Idempotency-Key, and a request naming 50 seats is
 * about 1 KB of text, where the digest is 22 characters whatever was asked.
 */
export function fingerprintOf(request: HoldRequest, kind: 'hold' | 'order'): string {
  const canonical = JSON.stringify([
    kind,
    request.userId,
    request.quantity ?? null,
    request.poolId ?? null,
    request.sectionId ?? null,
    request.seats ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, FINGERPRINT_LENGTH);
}
