// The change feed of the distributed shape: tails the log stream `{ev:<id>}:log` of each watched event, so
// a change decided on any instance (the Lua script that decides it XADDs it in the same step) reaches the
// live clients of this one. One tail, on its own connection, per watched event: a flash sale watches a
// handful of events per instance. With a Cluster client the duplicate sends each tail's XREAD to the node
// that owns the event's slot, since the stream key carries the event's hash tag.
import { Cluster } from 'ioredis';
import type { RedisClient } from '../log/redis/client.js';
import { eventKeys } from '../log/redis/encoding.js';
import type { ChangeFeed, FeedListener } from './change-feed.js';
import { REDIS_FEED_BLOCK_MS } from './limits.js';
import { type StreamConnection, StreamTail } from './stream-tail.js';

export interface RedisFeedOptions {
  /** Opens the dedicated connection of one watched event's tail, e.g. `() => redis.duplicate()`. */
  readonly connect: (eventId: string) => StreamConnection;
  readonly blockMs?: number;
  readonly onError?: (error: unknown) => void;
}

export class RedisFeed implements ChangeFeed {
  readonly #tails = new Map<string, StreamTail>();
  readonly #options: RedisFeedOptions;

  constructor(options: RedisFeedOptions) {
    this.#options = options;
  }

  /**
   * A feed whose tails are duplicates of client (same server or cluster, same options), each named
   * `boxoffice:live:<eventId>` so that CLIENT LIST tells an operator which connection tails which event.
   */
  static over(client: RedisClient, onError?: (error: unknown) => void): RedisFeed {
    const connect = (eventId: string): StreamConnection => {
      const connectionName = tailConnectionName(eventId);
      if (!(client instanceof Cluster)) return client.duplicate({ connectionName });
      const redisOptions = { ...client.options.redisOptions, connectionName };
      return client.duplicate(undefined, { ...client.options, redisOptions });
    };
    return new RedisFeed({ connect, onError });
  }

  subscribe(eventId: string, listener: FeedListener): () => void {
    const tail = this.#tails.get(eventId) ?? this.#startTail(eventId);
    tail.listeners.add(listener);
    return () => {
      tail.listeners.delete(listener);
      if (tail.listeners.size > 0) return;
      tail.stop();
      if (this.#tails.get(eventId) === tail) this.#tails.delete(eventId);
    };
  }

  ready(eventId: string): Promise<void> {
    return this.#tails.get(eventId)?.ready ?? Promise.reject(new Error(`No subscription to ${eventId}.`));
  }

  /** Stops every tail and closes its connection. */
  close(): void {
    for (const tail of this.#tails.values()) tail.stop();
    this.#tails.clear();
  }

  #startTail(eventId: string): StreamTail {
    const tail = new StreamTail(
      eventKeys(eventId).log,
      this.#options.connect(eventId),
      this.#options.blockMs ?? REDIS_FEED_BLOCK_MS,
      this.#options.onError ?? (() => {}),
    );
    this.#tails.set(eventId, tail);
    // A tail that could not start is dropped, so the next subscriber starts a fresh one.
    tail.ready.catch(() => {
      if (this.#tails.get(eventId) === tail) this.#tails.delete(eventId);
    });
    return tail;
  }
}

/** The Redis client name of the connection that tails eventId's log. */
export function tailConnectionName(eventId: string): string {
  return `boxoffice:live:${eventId}`;
}
