// The unprojected tail of an event's log: the entries the projectors have not acknowledged, i.e. from the
// oldest pending entry of the group, or after the group's last delivered entry when none is pending.
// Acknowledged entries are in the store; everything from this frontier on may not be.
import type { LogEntry } from '../../domain/log-entry.js';
import { groupInfo } from '../../projector/log-group.js';
import { oldestPendingIdOf, streamEntriesOf } from '../../projector/redis-replies.js';
import { eventKeys, PROJECTOR_GROUP } from './keys.js';
import { decodeEntry, entryJsonOf } from './log-stream.js';
import type { RedisClient } from './scripts.js';

/** An XRANGE start id: '-' (everything) or '(<id>' (after id) or '<id>' (from id). */
export async function tailStart(redis: RedisClient, eventId: string): Promise<string> {
  const info = await groupInfo(redis, eventId);
  if (info === undefined) return '-'; // no stream or no group yet: nothing was acknowledged
  if (info.pending > 0) {
    const oldest = oldestPendingIdOf(await redis.xpending(eventKeys(eventId).log, PROJECTOR_GROUP));
    // Acknowledged in between (the summary is then empty): everything up to the delivered id was acknowledged.
    if (oldest !== undefined) return oldest;
  }
  return info.lastDeliveredId === '0-0' ? '-' : `(${info.lastDeliveredId}`;
}

/** The log entries of an XRANGE reply; an undecodable entry is the projector's to dead-letter, not counted. */
export function decodeRows(reply: unknown): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const { fields } of streamEntriesOf(reply)) {
    const json = fields === null ? undefined : entryJsonOf(fields);
    if (json === undefined) continue;
    try {
      entries.push(decodeEntry(json));
    } catch {}
  }
  return entries;
}

export async function readTail(redis: RedisClient, eventId: string): Promise<LogEntry[]> {
  const start = await tailStart(redis, eventId);
  return decodeRows(await redis.xrange(eventKeys(eventId).log, start, '+'));
}
