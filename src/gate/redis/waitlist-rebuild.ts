// A rebuild of an event's Redis state from the store (rebuild.ts) leaves its waitlist keys as they are: they
// hold the newest line. When they are gone too (Redis lost the event whole), the line comes back from the
// store's waitlist_entries (the entries not ended, in order of joining). Written before load-event-12.lua sets
// the event's spec, while every script of the event still answers 'missing', so no join can interleave.
import type { WaitlistEntry } from '../../domain/waitlist.js';
import { lineOf } from '../../domain/waitlist.js';
import type { EventKeys } from './keys.js';
import type { RedisClient } from './scripts.js';

export async function restoreWaitlist(
  redis: RedisClient,
  keys: EventKeys,
  entries: readonly WaitlistEntry[],
): Promise<void> {
  if (entries.length === 0 || (await redis.exists(keys.waitlist)) === 1) return;
  const transaction = redis.multi();
  let lastSeq = 0;
  for (const entry of entries) {
    // The members of lua/waitlist-11.lua: `<line>\n<seq, 12 digits>\n<buyer>`, all of score 0.
    const member = `${lineOf(entry)}\n${String(entry.seq).padStart(12, '0')}\n${entry.userId}`;
    transaction.hset(keys.waitlist, entry.userId, JSON.stringify(entry));
    transaction.zadd(keys.waitlistLines, 0, member);
    lastSeq = Math.max(lastSeq, entry.seq);
  }
  // Never backwards: a seq given before the loss stays behind every new one.
  transaction.set(keys.waitlistSeq, String(lastSeq), 'NX');
  await transaction.exec();
}
