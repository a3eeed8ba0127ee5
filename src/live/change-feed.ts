// The change feed port: durable log entries of one event, in log order, pushed to whoever listens. The
// live hub is its only reader. Two adapters: embedded-feed.ts (the group commit announces each durable
// batch) and redis-feed.ts (tails the event's log stream, so changes decided on any instance arrive).
import type { LogEntry } from '../domain/log-entry.js';

/** Receives entries of the subscribed event only, in log order, each entry once. Must not throw. */
export type FeedListener = (entries: readonly LogEntry[]) => void;

export interface ChangeFeed {
  /** Calls listener with the event's entries made durable from now on; returns the unsubscribe. */
  subscribe(eventId: string, listener: FeedListener): () => void;
  /**
   * Settles once a subscription to eventId taken earlier is certain to see every entry made durable from
   * now on. A snapshot read after it therefore misses nothing; it may include entries still to be delivered,
   * which is harmless since an entry sets statuses absolutely and the feed delivers them in order. Rejects
   * when the feed cannot read the event (Redis unreachable).
   */
  ready(eventId: string): Promise<void>;
}
