// The projector group's commands on one event's log stream. Each touches the keys of one event only, so in a
// Redis Cluster each goes to the shard of that event; the two-command transactions share the hash tag.
import { eventKeys, PROJECTOR_GROUP } from '../gate/redis/keys.js';
import type { RedisClient } from '../gate/redis/scripts.js';
import {
  autoClaimReplyOf,
  deliveriesOf,
  entriesOfReadReply,
  type GroupInfo,
  groupInfoOf,
  isRedisError,
  oldestPendingIdOf,
  type RawStreamEntry,
} from './redis-replies.js';
import { compareStreamIds, nextStreamId } from './stream-id.js';

export type { RedisClient } from '../gate/redis/scripts.js';

/** Dead letters kept per event: enough to inspect any real incident; the metric counts every one. */
export const DEAD_LETTERS_PER_EVENT_MAX = 100_000;

/** Creates the group at the start of the stream (creating the stream too); a no-op when it exists. */
export async function ensureGroup(redis: RedisClient, eventId: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', eventKeys(eventId).log, PROJECTOR_GROUP, '0', 'MKSTREAM');
  } catch (error) {
    if (!isRedisError(error, 'BUSYGROUP')) throw error;
  }
}

/** Entries never delivered to the group, now delivered to `consumer` (pending until acknowledged). */
export async function readNew(
  redis: RedisClient,
  eventId: string,
  consumer: string,
  count: number,
): Promise<RawStreamEntry[]> {
  const key = eventKeys(eventId).log;
  try {
    return entriesOfReadReply(
      await redis.xreadgroup('GROUP', PROJECTOR_GROUP, consumer, 'COUNT', count, 'STREAMS', key, '>'),
    );
  } catch (error) {
    // The stream or its group vanished (Redis lost its data and the gate started the log again).
    if (!isRedisError(error, 'NOGROUP')) throw error;
    await ensureGroup(redis, eventId);
    return [];
  }
}

/** Takes over entries pending longer than minIdleMs with any consumer (a worker that died). */
export async function claimStale(
  redis: RedisClient,
  eventId: string,
  consumer: string,
  minIdleMs: number,
  cursor: string,
  count: number,
): Promise<{ next: string; entries: RawStreamEntry[] }> {
  const key = eventKeys(eventId).log;
  try {
    return autoClaimReplyOf(
      await redis.xautoclaim(key, PROJECTOR_GROUP, consumer, minIdleMs, cursor, 'COUNT', count),
    );
  } catch (error) {
    if (!isRedisError(error, 'NOGROUP')) throw error;
    return { next: '0-0', entries: [] };
  }
}

/** Acknowledges committed entries, and forgets the gate's records of the endings among them. */
/**
 * Deletes the gate's ending records of holds whose ending the store has now, each only if the record still
 * names that ending: a hold that expired and was then confirmed late has a newer record (confirmed) that
 * must stay until the confirmation is stored too. KEYS[1] the ended hash; ARGV pairs of hold id and status.
 */
const FORGET_STORED_ENDINGS = `
for i = 1, #ARGV, 2 do
  local record = redis.call('HGET', KEYS[1], ARGV[i])
  local prefix = ARGV[i + 1] .. ' '
  if record and string.sub(record, 1, #prefix) == prefix then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 0`;

/** A hold whose ending the store has now, with the status that ending gave it. */
export interface StoredEnding {
  readonly holdId: string;
  readonly status: string;
}

export async function acknowledge(
  redis: RedisClient,
  eventId: string,
  ids: readonly string[],
  endings: readonly StoredEnding[] = [],
): Promise<void> {
  if (ids.length === 0) return;
  const keys = eventKeys(eventId);
  if (endings.length === 0) {
    await redis.xack(keys.log, PROJECTOR_GROUP, ...ids);
    return;
  }
  const pairs = endings.flatMap((ending) => [ending.holdId, ending.status]);
  await redis
    .multi()
    .xack(keys.log, PROJECTOR_GROUP, ...ids)
    .eval(FORGET_STORED_ENDINGS, 1, keys.ended, ...pairs)
    .exec();
}

/** How many times the entry was delivered; undefined when it is no longer pending. */
export async function deliveryCount(
  redis: RedisClient,
  eventId: string,
  id: string,
): Promise<number | undefined> {
  return deliveriesOf(await redis.xpending(eventKeys(eventId).log, PROJECTOR_GROUP, id, id, 1));
}

export interface DeadLetter {
  readonly id: string;
  readonly json: string;
  readonly error: string;
  readonly consumer: string;
}

/** Moves one entry to the event's dead-letter stream and acknowledges it, in one transaction. */
export async function deadLetter(redis: RedisClient, eventId: string, letter: DeadLetter): Promise<void> {
  const keys = eventKeys(eventId);
  await redis
    .multi()
    .xadd(
      keys.deadLetters,
      'MAXLEN',
      '~',
      DEAD_LETTERS_PER_EVENT_MAX,
      '*',
      'id',
      letter.id,
      'e',
      letter.json,
      'error',
      letter.error,
      'consumer',
      letter.consumer,
    )
    .xack(keys.log, PROJECTOR_GROUP, letter.id)
    .exec();
}

export async function groupInfo(redis: RedisClient, eventId: string): Promise<GroupInfo | undefined> {
  try {
    return groupInfoOf(await redis.xinfo('GROUPS', eventKeys(eventId).log), PROJECTOR_GROUP);
  } catch (error) {
    if (isRedisError(error, 'ERR no such key')) return undefined;
    throw error;
  }
}

/**
 * Removes the entries every worker is done with: those older than the oldest pending entry, or all that
 * were delivered when nothing is pending. Undelivered and pending entries stay: the rebuild and the audit
 * read the unprojected tail. The last delivered id is read before the pending entries: everything up to it
 * was delivered by then, so what is not pending afterwards has been acknowledged.
 */
export async function trimAcknowledged(
  redis: RedisClient,
  eventId: string,
  marginMs: number = TRIM_MARGIN_MS,
): Promise<void> {
  const info = await groupInfo(redis, eventId);
  if (info === undefined || info.lastDeliveredId === '0-0') return;
  const key = eventKeys(eventId).log;
  const oldestPending = oldestPendingIdOf(await redis.xpending(key, PROJECTOR_GROUP));
  const afterDelivered = nextStreamId(info.lastDeliveredId);
  const keepFrom =
    oldestPending !== undefined && compareStreamIds(oldestPending, afterDelivered) < 0
      ? oldestPending
      : afterDelivered;
  // Entries acknowledged in the last TRIM_MARGIN_MS stay: the audit reads where the unacknowledged tail
  // starts, then reads the tail a moment later; an entry acknowledged in between must still be there.
  // A margin of 0 means none: comparing with the current millisecond would keep entries appended in it.
  const marginId = marginMs > 0 ? `${Math.max(0, Date.now() - marginMs)}-0` : undefined;
  const minId = marginId !== undefined && compareStreamIds(marginId, keepFrom) < 0 ? marginId : keepFrom;
  await redis.xtrim(key, 'MINID', minId);
}

/** How long acknowledged entries stay in a stream before they are trimmed. */
export const TRIM_MARGIN_MS = 10_000;
