// Rules of an event definition beyond what the request schema checks: uniqueness and totals.
import { type Rejection, reject } from './errors.js';
import { newEventId } from './ids.js';
import {
  MAX_HOLD_SECONDS_MAX,
  OFFER_TTL_SECONDS_DEFAULT,
  POOL_CAPACITY_MAX,
  SEATS_PER_EVENT_MAX,
} from './limits.js';
import type { EventSpec, PoolSpec, SectionSpec } from './types.js';

export interface EventDraft {
  readonly id?: string;
  readonly name: string;
  readonly venue: string;
  readonly startsAt: string;
  readonly holdTtlSeconds?: number;
  readonly maxPerUser?: number;
  readonly maxHoldSeconds?: number;
  readonly offerTtlSeconds?: number;
  readonly pools?: readonly PoolSpec[];
  readonly sections?: readonly SectionSpec[];
}

export interface EventDefaults {
  readonly holdTtlSeconds: number;
  readonly maxPerUser: number;
}

export function buildEventSpec(draft: EventDraft, defaults: EventDefaults): EventSpec | Rejection {
  const pools = draft.pools ?? [];
  const sections = draft.sections ?? [];
  if (pools.length === 0 && sections.length === 0) {
    return reject('invalid_request', 'An event needs at least one pool or one section.');
  }
  if (Number.isNaN(Date.parse(draft.startsAt))) {
    return reject('invalid_request', 'startsAt must be an ISO 8601 date-time.');
  }
  const duplicate =
    firstDuplicate(pools.map((pool) => pool.id)) ?? firstDuplicate(sections.map((section) => section.id));
  if (duplicate !== undefined)
    return reject('invalid_request', `Duplicate pool or section id "${duplicate}".`);
  for (const section of sections) {
    const row = firstDuplicate(section.rows.map((r) => r.id));
    if (row !== undefined)
      return reject('invalid_request', `Duplicate row "${row}" in section "${section.id}".`);
  }
  if (seatCount(sections) > SEATS_PER_EVENT_MAX) {
    return reject('invalid_request', `An event has at most ${SEATS_PER_EVENT_MAX} numbered seats.`);
  }
  if (pools.reduce((sum, pool) => sum + pool.capacity, 0) > POOL_CAPACITY_MAX) {
    return reject('invalid_request', `The pools of an event hold at most ${POOL_CAPACITY_MAX} tickets.`);
  }
  const holdTtlSeconds = draft.holdTtlSeconds ?? defaults.holdTtlSeconds;
  const maxHoldSeconds = draft.maxHoldSeconds ?? Math.min(2 * holdTtlSeconds, MAX_HOLD_SECONDS_MAX);
  if (maxHoldSeconds < holdTtlSeconds)
    return reject('invalid_request', 'maxHoldSeconds must be at least holdTtlSeconds.');
  return {
    id: draft.id ?? newEventId(),
    name: draft.name,
    venue: draft.venue,
    startsAt: new Date(draft.startsAt).toISOString(),
    holdTtlSeconds,
    maxPerUser: draft.maxPerUser ?? defaults.maxPerUser,
    maxHoldSeconds,
    offerTtlSeconds: draft.offerTtlSeconds ?? OFFER_TTL_SECONDS_DEFAULT,
    pools,
    sections,
  };
}

/** The event's longest hold life from placement; events created before extensions existed: twice the TTL. */
export function maxHoldSecondsOf(spec: Pick<EventSpec, 'holdTtlSeconds' | 'maxHoldSeconds'>): number {
  return spec.maxHoldSeconds ?? Math.min(2 * spec.holdTtlSeconds, MAX_HOLD_SECONDS_MAX);
}

/**
 * The expiry an extension by `seconds` from nowMs gives: never earlier than the current one (extending
 * never shortens a hold), or undefined when it would pass the event's maxHoldSeconds from placement.
 */
export function extendedExpiryMs(
  hold: { readonly createdAtMs: number; readonly expiresAtMs: number },
  spec: Pick<EventSpec, 'holdTtlSeconds' | 'maxHoldSeconds'>,
  seconds: number,
  nowMs: number,
): number | undefined {
  const wanted = Math.max(hold.expiresAtMs, nowMs + seconds * 1000);
  return wanted > hold.createdAtMs + maxHoldSecondsOf(spec) * 1000 ? undefined : wanted;
}

export function seatCount(sections: readonly SectionSpec[]): number {
  let count = 0;
  for (const section of sections) for (const row of section.rows) count += row.seats;
  return count;
}

export function capacityOf(spec: Pick<EventSpec, 'pools' | 'sections'>): number {
  return spec.pools.reduce((sum, pool) => sum + pool.capacity, 0) + seatCount(spec.sections);
}

export function seatIdOf(sectionId: string, rowId: string, seatNumber: number): string {
  return `${sectionId}-${rowId}-${seatNumber}`;
}

function firstDuplicate(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}
