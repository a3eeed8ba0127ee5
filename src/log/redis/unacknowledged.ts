// The part of an event's log a group has not acknowledged: from the group's oldest pending entry, or after
// its last delivered entry when none is pending. For the projectors' group that is the unprojected tail:
// acknowledged entries are in the store, everything from this frontier on may not be. The audit counts and
// reads it; the rebuild replays it into the store (through the port, RedisLog.unacknowledged).
import type { LogEntry } from '../../domain/log-entry.js';
import { PROJECTION_GROUP } from '../log.js';
import type { RedisClient } from './client.js';
import { eventKeys } from './encoding.js';
import { decodeEntry, entryJsonOf } from './entry-codec.js';
import {
  type GroupInfo,
  oldestPendingIdOf,
  pendingDeliveriesOf,
  type RawStreamEntry,
  streamEntriesOf,
} from './redis-replies.js';
import { groupInfo } from './stream-group.js';
import { compareStreamIds } from './stream-id.js';

/** Page of the fallback count: one XRANGE reply stays small. */
const COUNT_PAGE_ENTRIES = 1_000;

/**
 * Entries of the event's log the group has not acknowledged: delivered but pending, plus never delivered.
 * Both numbers come from one XINFO GROUPS reply, so the sum is exact at one instant. An entry whose batch
 * has committed but whose XACK is on its way still counts: the figure never claims the store holds what it
 * may not hold yet.
 */
export async function unacknowledgedCount(
  redis: RedisClient,
  eventId: string,
  group: string = PROJECTION_GROUP,
): Promise<number> {
  const info = await groupInfo(redis, eventId, group);
  // No group yet: nobody of it has read anything (and without a stream XLEN is 0).
  if (info === undefined) return redis.xlen(eventKeys(eventId).log);
  return countOf(redis, eventId, info);
}

/** pending + lag of one group, counting the undelivered part when Redis cannot tell its length. */
export async function countOf(redis: RedisClient, eventId: string, info: GroupInfo): Promise<number> {
  if (info.lag !== null) return info.pending + info.lag;
  // Redis cannot compute the lag after an XDEL inside the undelivered part: count that part instead.
  return info.pending + (await undeliveredOf(redis, eventId, info.lastDeliveredId));
}

async function undeliveredOf(redis: RedisClient, eventId: string, afterId: string): Promise<number> {
  const key = eventKeys(eventId).log;
  let count = 0;
  let from = `(${afterId}`;
  for (;;) {
    const page = streamEntriesOf(await redis.xrange(key, from, '+', 'COUNT', COUNT_PAGE_ENTRIES));
    count += page.length;
    const last = page[page.length - 1];
    if (page.length < COUNT_PAGE_ENTRIES || last === undefined) return count;
    from = `(${last.id}`;
  }
}

/** An XRANGE start id: '-' (everything) or '(<id>' (after id) or '<id>' (from id). */
export async function tailStart(
  redis: RedisClient,
  eventId: string,
  group: string = PROJECTION_GROUP,
): Promise<string> {
  const info = await groupInfo(redis, eventId, group);
  if (info === undefined) return '-'; // no stream or no group yet: nothing was acknowledged
  if (info.pending > 0) {
    const oldest = oldestPendingIdOf(await redis.xpending(eventKeys(eventId).log, group));
    // Acknowledged in between (the summary is then empty): everything up to the delivered id was acknowledged.
    if (oldest !== undefined) return oldest;
  }
  return info.lastDeliveredId === '0-0' ? '-' : `(${info.lastDeliveredId}`;
}

/** The log entries of an XRANGE reply; an undecodable entry is the consumers' to dead-letter, not counted. */
export function decodeRows(reply: unknown): LogEntry[] {
  return decodeEntries(streamEntriesOf(reply));
}

function decodeEntries(rows: readonly RawStreamEntry[]): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const { fields } of rows) {
    const json = fields === null ? undefined : entryJsonOf(fields);
    if (json === undefined) continue;
    try {
      entries.push(decodeEntry(json));
    } catch {}
  }
  return entries;
}

/**
 * Exactly the entries the group has not acknowledged, oldest first: the tail from tailStart on without the
 * entries acknowledged after the oldest pending one (the audit reads the whole tail with the gate's counts,
 * since the store's snapshot decides which of it is shown; the port says exactly).
 */
export async function unacknowledgedEntries(
  redis: RedisClient,
  eventId: string,
  group: string,
): Promise<LogEntry[]> {
  const key = eventKeys(eventId).log;
  const info = await groupInfo(redis, eventId, group);
  if (info === undefined) return decodeRows(await redis.xrange(key, '-', '+'));
  const start = await tailStart(redis, eventId, group);
  const rows = streamEntriesOf(await redis.xrange(key, start, '+'));
  if (info.pending === 0 || start === '-' || start.startsWith('(')) return decodeEntries(rows);
  const pending = pendingDeliveriesOf(
    await redis.xpending(key, group, start, info.lastDeliveredId, info.pending + rows.length),
  );
  return decodeEntries(
    rows.filter((row) => pending.has(row.id) || compareStreamIds(row.id, info.lastDeliveredId) > 0),
  );
}
