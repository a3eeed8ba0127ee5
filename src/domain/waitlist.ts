// The waitlist of a sold-out pool or section: buyers in line for stock that comes back. When a release, an
// expiry or an order cancellation returns stock, the same atomic step offers it to the first buyer in line
// whose request fits: an offer is a hold placed for that buyer (its `hold_placed` entry carries the entry it
// served), with the event's offer claim window as its time to live.
import { randomBytes } from 'node:crypto';
import { type Rejection, reject } from './errors.js';
import { OFFER_TTL_SECONDS_DEFAULT } from './limits.js';
import type { EventSpec } from './types.js';

/** What a buyer asks to wait for: a quantity of one pool's stock or of one section's seats (best available). */
export interface WaitlistRequest {
  readonly userId: string;
  readonly quantity: number;
  readonly poolId?: string;
  readonly sectionId?: string;
}

/** One buyer's place in line. A buyer has at most one entry per event. */
export interface WaitlistEntry {
  /** Random, shown only to the buyer: an offer announced on the live channel names it, not the buyer. */
  readonly id: string;
  readonly eventId: string;
  readonly userId: string;
  readonly quantity: number;
  readonly poolId?: string;
  readonly sectionId?: string;
  readonly joinedAtMs: number;
  /** Order of joining within the event: each line is sorted by it. */
  readonly seq: number;
}

/** An entry with its place in the line of its pool or section (1: first in line). */
export interface WaitlistSpot {
  readonly entry: WaitlistEntry;
  readonly position: number;
}

/** The line an entry waits in: `p:<pool id>` or `s:<section id>` (the gates' own key of a line). */
export function lineOf(target: { readonly poolId?: string; readonly sectionId?: string }): string {
  return target.poolId !== undefined ? `p:${target.poolId}` : `s:${target.sectionId as string}`;
}

/** Checks the shape of a request against the event: exactly one of poolId and sectionId, both existing. */
export function checkWaitlistRequest(request: WaitlistRequest, spec: EventSpec): Rejection | undefined {
  const { poolId, sectionId } = request;
  if ((poolId === undefined) === (sectionId === undefined))
    return reject('invalid_request', 'Give a poolId or a sectionId, exactly one.');
  if (poolId !== undefined && !spec.pools.some((pool) => pool.id === poolId)) return reject('pool_not_found');
  if (sectionId !== undefined && !spec.sections.some((section) => section.id === sectionId))
    return reject('section_not_found');
  if (request.quantity > spec.maxPerUser) return reject('limit_exceeded');
  return undefined;
}

/** Whether an entry asks for the same as a request (joining again with it answers the same place). */
export function sameRequest(entry: WaitlistEntry, request: WaitlistRequest): boolean {
  return (
    entry.quantity === request.quantity &&
    entry.poolId === request.poolId &&
    entry.sectionId === request.sectionId
  );
}

/** How long an offer may be claimed: the event's offerTtlSeconds, or the default for events without one. */
export function offerTtlSecondsOf(spec: Pick<EventSpec, 'offerTtlSeconds'>): number {
  return spec.offerTtlSeconds ?? OFFER_TTL_SECONDS_DEFAULT;
}

export function newWaitlistEntryId(eventId: string): string {
  return `w.${eventId}.${randomBytes(12).toString('base64url')}`;
}
