// The gate keeps a record of every ended hold (`{ev}:ended`) so that any instance can answer for it before
// the store has it. Once the store has an ending, its record can go: the distributed shape's projector calls
// this after each committed batch.
import { isHoldEntry, statusAfter } from '../../domain/log-entry.js';
import type { LogRecord } from '../../log/log.js';
import { eventKeys } from './keys.js';
import type { RedisClient } from './scripts.js';

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

/** Forgets the records of the endings among records the store now has (one call per event). */
export function forgetStoredEndings(redis: RedisClient): (records: readonly LogRecord[]) => Promise<void> {
  return async (records) => {
    const byEvent = new Map<string, string[]>();
    for (const { eventId, entry } of records) {
      if (!isHoldEntry(entry)) continue;
      const { type, hold } = entry;
      if (type === 'hold_placed' || type === 'hold_extended' || type === 'order_cancelled') continue;
      const pairs = byEvent.get(eventId) ?? [];
      pairs.push(hold.id, statusAfter(entry));
      byEvent.set(eventId, pairs);
    }
    await Promise.all(
      [...byEvent].map(([eventId, pairs]) =>
        redis.eval(FORGET_STORED_ENDINGS, 1, eventKeys(eventId).ended, ...pairs),
      ),
    );
  };
}
