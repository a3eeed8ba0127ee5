// The unprojected tail of an event's log: the entries the projectors have not acknowledged, i.e. from the
// oldest pending entry of the group, or after the group's last delivered entry when none is pending.
// Acknowledged entries are in the store; everything from this frontier on may not be.
import type { LogEntry } from '../../domain/log-entry.js';
import { eventKeys, PROJECTOR_GROUP } from './keys.js';
import { decodeEntry, entryJsonOf } from './log-stream.js';
import type { RedisClient } from './scripts.js';

/** An XRANGE start id: '-' (everything) or '(<id>' (after id) or '<id>' (from id). */
export async function tailStart(redis: RedisClient, eventId: string): Promise<string> {
  const key = eventKeys(eventId).log;
  let groups: unknown[];
  try {
    groups = (await redis.xinfo('GROUPS', key)) as unknown[];
  } catch {
    return '-'; // no stream yet
  }
  for (const group of groups) {
    const fields = fieldsOf(group as unknown[]);
    if (fields.get('name') !== PROJECTOR_GROUP) continue;
    const delivered = String(fields.get('last-delivered-id'));
    if (Number(fields.get('pending')) > 0) {
      const summary = (await redis.xpending(key, PROJECTOR_GROUP)) as unknown[];
      // Acknowledged in between (the summary is then empty): everything up to `delivered` was acknowledged.
      if (typeof summary[1] === 'string') return summary[1];
    }
    return delivered === '0-0' ? '-' : `(${delivered}`;
  }
  return '-';
}

export function decodeRows(rows: readonly (readonly [string, readonly string[]])[]): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const [, fields] of rows) {
    const json = entryJsonOf(fields);
    // An undecodable entry is the projector's to dead-letter; here it has no effect to count.
    if (json === undefined) continue;
    try {
      entries.push(decodeEntry(json));
    } catch {}
  }
  return entries;
}

export async function readTail(redis: RedisClient, eventId: string): Promise<LogEntry[]> {
  const start = await tailStart(redis, eventId);
  const rows = (await redis.xrange(eventKeys(eventId).log, start, '+')) as [string, string[]][];
  return decodeRows(rows);
}

function fieldsOf(flat: readonly unknown[]): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1]);
  return fields;
}
