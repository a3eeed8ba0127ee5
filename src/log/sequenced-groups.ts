// Consumer-group bookkeeping of the logs kept by this process (memory/ and file/): entries are numbered by
// seq, and each group knows the next seq to deliver and its deliveries not yet acknowledged. The Redis
// adapter keeps the same state in Redis (XREADGROUP, XAUTOCLAIM) instead.
import type { LogEntry } from '../domain/log-entry.js';
import type { LogRecord } from './log.js';

export interface Sequenced {
  readonly seq: number;
  readonly eventId: string;
  readonly entry: LogEntry;
}

export interface Pending {
  member: string;
  deliveredAtMs: number;
  deliveries: number;
}

export interface Deliveries {
  /** Entries with seq below this were delivered. */
  next: number;
  readonly pending: Map<number, Pending>;
}

/** Delivers to `member` the entries from the group's next up to `end` (exclusive), at most `max`. */
export function deliverNew(
  group: Deliveries,
  end: number,
  at: (seq: number) => Sequenced,
  member: string,
  nowMs: number,
  max: number,
): LogRecord[] {
  const out: LogRecord[] = [];
  while (group.next < end && out.length < max) {
    const stored = at(group.next);
    group.pending.set(stored.seq, { member, deliveredAtMs: nowMs, deliveries: 1 });
    out.push(recordOf(stored, 1));
    group.next++;
  }
  return out;
}

/** Hands `member` the deliveries pending longer than `idleMs`, oldest first, at most `max`. */
export function claimIdle(
  group: Deliveries,
  at: (seq: number) => Sequenced,
  member: string,
  nowMs: number,
  idleMs: number,
  max: number,
): LogRecord[] {
  const out: LogRecord[] = [];
  for (const [seq, pending] of [...group.pending].sort((a, b) => a[0] - b[0])) {
    if (out.length >= max) break;
    if (nowMs - pending.deliveredAtMs < idleMs) continue;
    pending.member = member;
    pending.deliveredAtMs = nowMs;
    pending.deliveries++;
    out.push(recordOf(at(seq), pending.deliveries));
  }
  return out;
}

export function recordOf(stored: Sequenced, deliveries: number): LogRecord {
  return { id: String(stored.seq), eventId: stored.eventId, entry: stored.entry, deliveries };
}

/** The seq of a record these logs handed out. */
export function seqOf(record: LogRecord): number {
  return Number(record.id);
}
