// Every encoding of the distributed shape's Redis data in one place: key names, stream fields, the seat-map
// bytes, the counts hash's field names and the consumer group names. The Lua scripts get the same values
// through a generated constants header (lua-constants.ts), so no value is written twice.
// Every key of one event carries the hash tag {ev:<id>}, so a Lua call touches one slot and an event lives on
// one shard of a Redis Cluster; events spread over shards. The registry of events is the one key outside any
// event: it is read to find the events, never in a script.
import type { QueueAdmitted, SoldOutMark } from '../../domain/log-entry.js';
import { SEAT_BYTE_AVAILABLE, SEAT_BYTE_HELD, SEAT_BYTE_SOLD } from '../../domain/seat-bytes.js';
import { PROJECTION_GROUP } from '../log.js';

/** Set of all event ids: what sweepers, projectors and live fan-out iterate over. */
export const EVENTS_KEY = 'boxoffice:events';
/** Pub/sub channel on which scripts announce that stock came back (release or expiry) to lift sold-out. */
export const RESTOCK_CHANNEL = 'boxoffice:restock';
/**
 * The whole reply of a gate script whose event has no keys in this Redis (never created here, or lost): the
 * one way every script that needs the event says so (gate/redis/replies.ts reads it, and the gate rebuilds).
 */
export const EVENT_MISSING_REPLY = 'missing';
/** Consumer group of the projector workers on every event's log stream (created with the stream). */
export const PROJECTOR_GROUP = PROJECTION_GROUP;

/** Stream field that holds one log entry as JSON (see entry-codec.ts). */
export const ENTRY_FIELD = 'e';
/** The field of a hold_placed or hold_confirmed entry's JSON that marks it as the one that sold the event out. */
export const ENTRY_SOLD_OUT_FIELD = 'soldOut' satisfies keyof SoldOutMark;
/** The type of the entry the waiting room's admission step appends to the event's log (queue/redis/lua). */
export const QUEUE_ADMITTED_TYPE = 'queue_admitted' satisfies QueueAdmitted['type'];
/**
 * The whole reply of a waiting room script whose event has no waiting room set up (queue/redis/lua): the one
 * way those scripts say so (redis-waiting-room.ts reads it: the event has no queue).
 */
export const QUEUE_MISSING_REPLY = 'no_queue';
/** The whole reply of the waiting room's join before the room opens (join-6.lua). */
export const QUEUE_NOT_OPEN_REPLY = 'not_open';
/** Fields of a dead-letter stream entry: the log entry's id and JSON, why it failed, and which member gave up. */
export const DEAD_LETTER_FIELDS = {
  id: 'id',
  entry: ENTRY_FIELD,
  error: 'error',
  consumer: 'consumer',
} as const;

/** The seat map: one byte per seat in definition order (domain/seat-bytes.ts), as the scripts write them. */
export const SEAT_CHARS = {
  available: String.fromCharCode(SEAT_BYTE_AVAILABLE),
  held: String.fromCharCode(SEAT_BYTE_HELD),
  sold: String.fromCharCode(SEAT_BYTE_SOLD),
} as const;

/** Fields of an event's counts hash. */
export const COUNT_FIELDS = {
  /** Prefix of a pool's counters: `p:<pool>:held`, `p:<pool>:sold`. */
  pool: 'p:',
  /** Prefix of a section's counters: `s:<section>:held`, `s:<section>:sold`. */
  section: 's:',
  /** Suffixes of the counters after the pool or section id. */
  held: ':held',
  sold: ':sold',
  /** A counter raised whenever stock comes back (release, expiry, cancellation). */
  restock: 'restock',
  /** 1 while an admin has closed the event's sales (update-event-8.lua). */
  closed: 'closed',
  /** How many times the event's definition was changed. */
  specVersion: 'specv',
  /** The generation of the event's gate state; its presence marks that this Redis holds the state. */
  epoch: 'epoch',
  /** Redis's time of the last rebuild (part of the seat map's version, see lua/seat-map-8.lua). */
  loaded: 'loaded',
  /**
   * The event's units on sale in all, every pool and section: what tells a placement that it took the last
   * ones. Kept by the scripts as stock moves; computed once from the definition and the counters where it is
   * missing (an event created or rebuilt before it existed, or just rebuilt: see lua/common.lua).
   */
  available: 'available',
} as const;

/** The counts field of a pool's or section's held or sold counter. */
export function countField(kind: 'pool' | 'section', id: string, state: 'held' | 'sold'): string {
  return `${COUNT_FIELDS[kind]}${id}${COUNT_FIELDS[state]}`;
}

export interface EventKeys {
  /** String: the EventSpec as JSON; its absence means Redis has lost (or never had) the event. */
  readonly spec: string;
  /** String: one byte per seat in definition order (SEAT_CHARS). */
  readonly seats: string;
  /** Hash: COUNT_FIELDS. */
  readonly counts: string;
  /** Hash: hold id → hold JSON, and `<hold id>:at` → seat offsets; live (held) holds only. */
  readonly holds: string;
  /** Sorted set: hold id scored by expiry (epoch ms). */
  readonly expiry: string;
  /** Hash: user id → items in live holds and tickets. */
  readonly users: string;
  /**
   * Hash: hold id → `<status> <at ms> <hold json>` of an ended hold, so that any instance can answer for it
   * before the store has it; a projector deletes the field once the ending is stored.
   */
  readonly ended: string;
  /**
   * Sorted set: ids of holds confirmed late, scored by when (lua/confirm-9.lua), kept LATE_CONFIRM_MEMORY_MS so
   * that a second late confirm racing on a stale read of the store cannot take the stock again.
   */
  readonly late: string;
  /** Stream: the event's log; every state change is XADDed by the script that decides it. */
  readonly log: string;
  /** Stream: entries a consumer group gave up on after too many deliveries. */
  readonly deadLetters: string;
  /** String, short-lived: held by the instance rebuilding the event's keys from the store. */
  readonly rebuildLock: string;
  /** Hash: `<buyer>\n<Idempotency-Key>` → `<hold id>\n<fingerprint>\n<placed at ms>` (lua/common.lua, idem_*). */
  readonly idempotency: string;
  /** Sorted set: the same `<buyer>\n<key>` members in the order they were recorded, oldest first. */
  readonly idempotencyAge: string;
  /** Hash: buyer → that buyer's keys, oldest first, newline-separated (at most the per-buyer bound). */
  readonly idempotencyByBuyer: string;
  /** Hash: order id → when it was cancelled (epoch ms); a cancelled order is never cancelled again. */
  readonly cancelled: string;
  /** Hash: buyer → waitlist entry JSON (domain/waitlist.ts); at most one entry per buyer. */
  readonly waitlist: string;
  /**
   * Sorted set, all scores 0: `<line>\n<seq, 12 digits>\n<buyer>` per entry, so that a line (`p:<pool>` or
   * `s:<section>`) is a lexical range in order of joining (lua/waitlist-11.lua, lua/offers.lua).
   */
  readonly waitlistLines: string;
  /** String: the last waitlist seq given (INCR). */
  readonly waitlistSeq: string;
}

export function eventKeys(eventId: string): EventKeys {
  const tag = `{ev:${eventId}}`;
  return {
    spec: `${tag}:spec`,
    seats: `${tag}:seats`,
    counts: `${tag}:counts`,
    holds: `${tag}:holds`,
    expiry: `${tag}:exp`,
    users: `${tag}:users`,
    ended: `${tag}:ended`,
    late: `${tag}:late`,
    log: `${tag}:log`,
    deadLetters: `${tag}:dead`,
    rebuildLock: `${tag}:rebuild`,
    idempotency: `${tag}:idem`,
    idempotencyAge: `${tag}:idem-age`,
    idempotencyByBuyer: `${tag}:idem-buyers`,
    cancelled: `${tag}:cancelled`,
    waitlist: `${tag}:waitlist`,
    waitlistLines: `${tag}:waitlist-lines`,
    waitlistSeq: `${tag}:waitlist-seq`,
  };
}

/** The keys after the event's eight that the scripts keeping idempotency records take, as KEYS[9..11]. */
export function idempotencyKeysOf(eventId: string): readonly string[] {
  const keys = eventKeys(eventId);
  return [keys.idempotency, keys.idempotencyAge, keys.idempotencyByBuyer];
}
