// The log port: the truth both shapes share. The gate decides and its entries are appended here (embedded:
// by the group commit, one write per batch; distributed: inside the gate's Lua call, so that adapter has no
// append of its own). Consumers (the projector, webhook delivery, anything later) are named groups: each
// group sees every entry once, in log order per event, and the log keeps an entry until every group that
// exists has acknowledged it. Entries of one event keep their order; entries of different events need not.
import type { LogEntry } from '../domain/log-entry.js';

/** One entry as stored: `id` orders entries within their event and is stable across deliveries. */
export interface LogRecord {
  readonly id: string;
  readonly eventId: string;
  readonly entry: LogEntry;
  /** How many times the record has been delivered to its group, this delivery included. */
  readonly deliveries: number;
}

/** Where one group stands. `pending`: delivered, not acknowledged; `lag`: never delivered. */
export interface GroupPosition {
  readonly group: string;
  readonly pending: number;
  readonly lag: number;
}

/** A member of a consumer group. Several members of one group share its entries between them. */
export interface LogConsumer {
  /** Entries never delivered to the group, now pending with this member; at most `max`, oldest first per event. */
  readNew(max: number): Promise<LogRecord[]>;
  /** Entries pending with any member for longer than `idleMs` (a member that died), now this member's. */
  claimStale(idleMs: number, max: number): Promise<LogRecord[]>;
  /** Done with these: the group never sees them again. */
  acknowledge(records: readonly LogRecord[]): Promise<void>;
  /** Moves a record the group cannot process to the group's dead letters, with why, and acknowledges it. */
  deadLetter(record: LogRecord, error: string): Promise<void>;
}

export interface Log {
  /** The member `member` of group `group`; the group is created at the start of the log when it is new. */
  consumer(group: string, member: string): LogConsumer;
  /** Every group's position (all events together, or one event's). */
  positions(eventId?: string): Promise<GroupPosition[]>;
  /** Entries of the event that `group` has not acknowledged, oldest first (the audit's unprojected tail). */
  unacknowledged(group: string, eventId: string): Promise<LogEntry[]>;
  /** Removes what every group has acknowledged; returns the number of entries removed when known. */
  trim(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** A log the process appends to itself (embedded). Resolves once the entries are durable per its settings. */
export interface AppendableLog extends Log {
  append(entries: readonly LogEntry[]): Promise<void>;
}

/** The group the store's projector reads as. */
export const PROJECTION_GROUP = 'projectors';
