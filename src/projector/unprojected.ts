// How far the store is behind one event's log, in entries: what the audit reports as `unprojected`.
import { eventKeys } from '../gate/redis/keys.js';
import { groupInfo, type RedisClient } from './log-group.js';
import { streamEntriesOf } from './redis-replies.js';

/** Page of the fallback count: one XRANGE reply stays small. */
const COUNT_PAGE_ENTRIES = 1_000;

/**
 * Entries of the event's log the projectors have not acknowledged: delivered but pending, plus never
 * delivered. Both numbers come from one XINFO GROUPS reply, so the sum is exact at one instant. An entry
 * whose batch has committed but whose XACK is on its way still counts: the figure never claims the store
 * holds what it may not hold yet.
 */
export async function unprojected(redis: RedisClient, eventId: string): Promise<number> {
  const key = eventKeys(eventId).log;
  const info = await groupInfo(redis, eventId);
  // No group yet: no projector has read anything (and without a stream XLEN is 0).
  if (info === undefined) return redis.xlen(key);
  if (info.lag !== null) return info.pending + info.lag;
  // Redis cannot compute the lag after an XDEL inside the undelivered part: count that part instead.
  return info.pending + (await countAfter(redis, key, info.lastDeliveredId));
}

async function countAfter(redis: RedisClient, key: string, afterId: string): Promise<number> {
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
