// Reads one event's log stream from a fixed point on, in order, for as long as someone listens. Runs on a
// dedicated connection: XREAD BLOCK holds its connection, and disconnecting it is how the tail stops at
// once instead of after the block timeout.
import type { LogEntry } from '../domain/log-entry.js';
import { decodeEntry, entryJsonOf } from '../log/redis/entry-codec.js';
import type { FeedListener } from './change-feed.js';
import { REDIS_FEED_READ_ENTRIES_MAX, REDIS_FEED_RETRY_MS } from './limits.js';

type StreamItems = [id: string, fields: string[]][];

/** What a tail needs of its connection: an ioredis `Redis` or `Cluster` fits. */
export interface StreamConnection {
  xread(
    countToken: 'COUNT',
    count: number,
    blockToken: 'BLOCK',
    blockMs: number,
    streamsToken: 'STREAMS',
    key: string,
    id: string,
  ): Promise<[key: string, items: StreamItems][] | null>;
  xrevrange(key: string, end: '+', start: '-', countToken: 'COUNT', count: number): Promise<StreamItems>;
  disconnect(): void;
}

export class StreamTail {
  readonly listeners = new Set<FeedListener>();
  /** Settles once the start point is fixed: the id of the stream's last entry when the tail began. */
  readonly ready: Promise<void>;
  readonly #key: string;
  readonly #connection: StreamConnection;
  readonly #blockMs: number;
  readonly #onError: (error: unknown) => void;
  // '0-0' reads from the beginning: right when the stream is empty or not there yet, since all it will
  // ever hold is written after the tail began.
  #lastId = '0-0';
  #stopped = false;

  constructor(key: string, connection: StreamConnection, blockMs: number, onError: (error: unknown) => void) {
    this.#key = key;
    this.#connection = connection;
    this.#blockMs = blockMs;
    this.#onError = onError;
    this.ready = this.#fixStart();
    this.ready.then(
      () => this.#run(),
      () => this.stop(),
    );
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#connection.disconnect();
  }

  async #fixStart(): Promise<void> {
    const last = await this.#connection.xrevrange(this.#key, '+', '-', 'COUNT', 1);
    if (last[0] !== undefined) this.#lastId = last[0][0];
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let reply: [string, StreamItems][] | null;
      try {
        reply = await this.#connection.xread(
          'COUNT',
          REDIS_FEED_READ_ENTRIES_MAX,
          'BLOCK',
          this.#blockMs,
          'STREAMS',
          this.#key,
          this.#lastId,
        );
      } catch (error) {
        if (this.#stopped) return;
        // Reading goes on from the last id seen, so an outage loses nothing the stream still holds.
        this.#onError(error);
        await new Promise((resolve) => setTimeout(resolve, REDIS_FEED_RETRY_MS).unref());
        continue;
      }
      if (reply !== null && !this.#stopped) this.#deliver(reply);
    }
  }

  #deliver(reply: [string, StreamItems][]): void {
    const entries: LogEntry[] = [];
    for (const [, items] of reply) {
      for (const [id, fields] of items) {
        this.#lastId = id;
        const json = entryJsonOf(fields);
        try {
          if (json === undefined) throw new Error(`Stream entry ${id} of ${this.#key} has no log entry.`);
          entries.push(decodeEntry(json));
        } catch (error) {
          // One unreadable entry is reported and skipped; it must not stop the event's live updates.
          this.#onError(error);
        }
      }
    }
    if (entries.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(entries);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
