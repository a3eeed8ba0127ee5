// A consumer group's commands on one event's log stream. Each touches the keys of one event only, so in a
// Redis Cluster each goes to the shard of that event; the multi-key steps share the event's hash tag.
import type { RedisClient } from './client.js';
import { DEAD_LETTER_FIELDS, eventKeys } from './encoding.js';
import {
  autoClaimReplyOf,
  entriesOfReadReply,
  type GroupInfo,
  groupInfosOf,
  isRedisError,
  oldestPendingIdOf,
  pendingDeliveriesOf,
  type RawStreamEntry,
} from './redis-replies.js';
import { compareStreamIds, nextStreamId } from './stream-id.js';

/** Dead letters kept per event: enough to inspect any real incident; a metric counts every one. */
export const DEAD_LETTERS_PER_EVENT_MAX = 100_000;

/** How long acknowledged entries stay in a stream before they are trimmed. */
export const TRIM_MARGIN_MS = 10_000;

/** Creates the group at the start of the stream (creating the stream too); a no-op when it exists. */
export async function ensureGroup(redis: RedisClient, eventId: string, group: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', eventKeys(eventId).log, group, '0', 'MKSTREAM');
  } catch (error) {
    if (!isRedisError(error, 'BUSYGROUP')) throw error;
  }
}

/** Entries never delivered to the group, now delivered to `member` (pending until acknowledged). */
export async function readNew(
  redis: RedisClient,
  eventId: string,
  group: string,
  member: string,
  count: number,
): Promise<RawStreamEntry[]> {
  const key = eventKeys(eventId).log;
  try {
    const reply = await redis.xreadgroup('GROUP', group, member, 'COUNT', count, 'STREAMS', key, '>');
    return entriesOfReadReply(reply);
  } catch (error) {
    // The stream or its group vanished (Redis lost its data and the gate started the log again).
    if (!isRedisError(error, 'NOGROUP')) throw error;
    await ensureGroup(redis, eventId, group);
    return [];
  }
}

/**
 * Takes over entries pending longer than minIdleMs with any member (one that died), with how many times
 * each has been delivered now (XAUTOCLAIM does not say; one XPENDING of the claimed range does).
 */
export async function claimStale(
  redis: RedisClient,
  eventId: string,
  group: string,
  member: string,
  minIdleMs: number,
  cursor: string,
  count: number,
): Promise<{ next: string; entries: RawStreamEntry[]; deliveries: Map<string, number> }> {
  const key = eventKeys(eventId).log;
  let claimed: { next: string; entries: RawStreamEntry[] };
  try {
    claimed = autoClaimReplyOf(await redis.xautoclaim(key, group, member, minIdleMs, cursor, 'COUNT', count));
  } catch (error) {
    if (!isRedisError(error, 'NOGROUP')) throw error;
    return { next: '0-0', entries: [], deliveries: new Map() };
  }
  const first = claimed.entries[0];
  const last = claimed.entries[claimed.entries.length - 1];
  if (first === undefined || last === undefined) return { ...claimed, deliveries: new Map() };
  // The member's pending entries in the claimed range: the claimed ones, plus any it holds itself.
  const reply = await redis.xpending(key, group, first.id, last.id, count * 2 + 100, member);
  return { ...claimed, deliveries: pendingDeliveriesOf(reply) };
}

export async function acknowledge(
  redis: RedisClient,
  eventId: string,
  group: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length > 0) await redis.xack(eventKeys(eventId).log, group, ...ids);
}

/**
 * Moves an entry to the event's dead-letter stream and acknowledges it, in one step. Skipped only when the
 * entry is still in the stream but no longer pending in the group: another member acknowledged it meanwhile,
 * so it was projected after all. An entry the stream no longer has (Redis lost it with its group, and the
 * gate's state was rebuilt) is dead-lettered: it is a decision the store refused or cannot take.
 * KEYS: log, dead letters. ARGV: group, id, entry JSON, error, member, dead letters kept.
 */
const DEAD_LETTER = `
local pending = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
local is_pending = type(pending) == 'table' and pending.err == nil and #pending > 0
if not is_pending and #redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2]) > 0 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', '${DEAD_LETTER_FIELDS.id}', ARGV[2],
  '${DEAD_LETTER_FIELDS.entry}', ARGV[3], '${DEAD_LETTER_FIELDS.error}', ARGV[4],
  '${DEAD_LETTER_FIELDS.consumer}', ARGV[5])
redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
return 1`;

export interface DeadLetter {
  readonly id: string;
  readonly json: string;
  readonly error: string;
  readonly member: string;
}

/** True when the entry was moved; false when another member had acknowledged it. */
export async function deadLetter(
  redis: RedisClient,
  eventId: string,
  group: string,
  letter: DeadLetter,
): Promise<boolean> {
  const keys = eventKeys(eventId);
  const moved = await redis.eval(
    DEAD_LETTER,
    2,
    keys.log,
    keys.deadLetters,
    group,
    letter.id,
    letter.json,
    letter.error,
    letter.member,
    DEAD_LETTERS_PER_EVENT_MAX,
  );
  return Number(moved) === 1;
}

/** Every group of the event's stream; empty when there is no stream. */
export async function groupInfos(redis: RedisClient, eventId: string): Promise<GroupInfo[]> {
  try {
    return groupInfosOf(await redis.xinfo('GROUPS', eventKeys(eventId).log));
  } catch (error) {
    if (isRedisError(error, 'ERR no such key')) return [];
    throw error;
  }
}

export async function groupInfo(
  redis: RedisClient,
  eventId: string,
  group: string,
): Promise<GroupInfo | undefined> {
  return (await groupInfos(redis, eventId)).find((info) => info.name === group);
}

/**
 * The first id the group has not acknowledged: its oldest pending entry, or the one after its last
 * delivered entry when nothing is pending. The last delivered id is read before the pending entries:
 * everything up to it was delivered by then, so what is not pending afterwards has been acknowledged.
 */
export async function firstUnacknowledged(
  redis: RedisClient,
  eventId: string,
  info: GroupInfo,
): Promise<string> {
  const afterDelivered = nextStreamId(info.lastDeliveredId);
  if (info.pending === 0) return afterDelivered;
  const oldest = oldestPendingIdOf(await redis.xpending(eventKeys(eventId).log, info.name));
  return oldest !== undefined && compareStreamIds(oldest, afterDelivered) < 0 ? oldest : afterDelivered;
}

/**
 * Removes the entries every group of the stream is done with: those before the first entry any group has not
 * acknowledged. Undelivered and pending entries stay: the rebuild and the audit read the unprojected tail,
 * and every other group still needs its own. Returns how many entries went.
 */
export async function trimAcknowledged(
  redis: RedisClient,
  eventId: string,
  marginMs: number = TRIM_MARGIN_MS,
): Promise<number> {
  const infos = await groupInfos(redis, eventId);
  if (infos.length === 0 || infos.some((info) => info.lastDeliveredId === '0-0')) return 0;
  let keepFrom: string | undefined;
  for (const info of infos) {
    const first = await firstUnacknowledged(redis, eventId, info);
    if (keepFrom === undefined || compareStreamIds(first, keepFrom) < 0) keepFrom = first;
  }
  if (keepFrom === undefined) return 0;
  // Entries acknowledged in the last TRIM_MARGIN_MS stay: the audit reads where the unacknowledged tail
  // starts, then reads the tail a moment later; an entry acknowledged in between must still be there.
  // A margin of 0 means none: comparing with the current millisecond would keep entries appended in it.
  const marginId = marginMs > 0 ? `${Math.max(0, Date.now() - marginMs)}-0` : undefined;
  const minId = marginId !== undefined && compareStreamIds(marginId, keepFrom) < 0 ? marginId : keepFrom;
  return Number(await redis.xtrim(eventKeys(eventId).log, 'MINID', minId));
}
