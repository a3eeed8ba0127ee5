// The log port over Redis streams (distributed shape): one stream per event, appended by the gate's Lua
// scripts (so this adapter has no append), read by named consumer groups. A consumer reads the registry of
// events now and then, creates its group on each new event's stream, and fills one batch from many streams
// (batch-reader.ts: in a Redis Cluster every stream is a command of its own). Entries that cannot be decoded
// go to the event's dead-letter stream at once: no retry can fix them.
import type { LogEntry } from '../../domain/log-entry.js';
import type { GroupPosition, Log, LogConsumer, LogRecord } from '../log.js';
import { BatchReader, type StreamEntry } from './batch-reader.js';
import type { RedisClient } from './client.js';
import { EVENTS_KEY } from './encoding.js';
import { decodeEntry, entryJsonOf } from './entry-codec.js';
import {
  acknowledge,
  deadLetter,
  ensureGroup,
  groupInfos,
  TRIM_MARGIN_MS,
  trimAcknowledged,
} from './stream-group.js';
import { countOf, unacknowledgedEntries } from './unacknowledged.js';

/** How often a consumer reads the event registry again: a new event's entries wait at most this long. */
export const EVENTS_REFRESH_MS_DEFAULT = 1_000;
/** Events whose streams are worked on concurrently by one call (groups created, positions read, trims). */
const STREAM_COMMANDS_CONCURRENT = 16;

export interface RedisLogOptions {
  readonly redis: RedisClient;
  /** Acknowledged entries younger than this stay in the stream (see TRIM_MARGIN_MS; 0: none). */
  readonly trimMarginMs?: number;
  readonly eventsRefreshMs?: number;
  readonly clock?: () => number;
  /** Told of every entry moved to the dead letters because it could not be decoded. */
  readonly onUndecodable?: (where: { eventId: string; id: string; group: string }, error: string) => void;
}

export class RedisLog implements Log {
  readonly #redis: RedisClient;
  readonly #trimMarginMs: number;
  readonly #eventsRefreshMs: number;
  readonly #clock: () => number;
  readonly #onUndecodable: RedisLogOptions['onUndecodable'];
  /** Events with entries acknowledged since they were last trimmed. */
  readonly #toTrim = new Set<string>();

  constructor(options: RedisLogOptions) {
    this.#redis = options.redis;
    this.#trimMarginMs = options.trimMarginMs ?? TRIM_MARGIN_MS;
    this.#eventsRefreshMs = options.eventsRefreshMs ?? EVENTS_REFRESH_MS_DEFAULT;
    this.#clock = options.clock ?? Date.now;
    this.#onUndecodable = options.onUndecodable;
  }

  consumer(group: string, member: string): LogConsumer {
    const redis = this.#redis;
    const reader = new BatchReader(redis, group, member);
    const grouped = new Set<string>();
    let eventIds: string[] = [];
    let readAtMs = Number.NEGATIVE_INFINITY;
    const events = async (): Promise<string[]> => {
      if (this.#clock() - readAtMs < this.#eventsRefreshMs) return eventIds;
      const registered = (await redis.smembers(EVENTS_KEY)).sort();
      await inGroups(
        registered.filter((eventId) => !grouped.has(eventId)),
        async (eventId) => {
          await ensureGroup(redis, eventId, group);
          grouped.add(eventId);
        },
      );
      eventIds = registered;
      readAtMs = this.#clock();
      return eventIds;
    };
    const decoded = async (entries: readonly StreamEntry[]): Promise<LogRecord[]> => {
      const records: LogRecord[] = [];
      for (const item of entries) {
        const json = item.fields === null ? undefined : entryJsonOf(item.fields);
        try {
          if (json === undefined) throw new Error('The stream entry has no log entry field.');
          records.push(new StreamRecord(item.id, item.eventId, decodeEntry(json), item.deliveries, json));
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          const letter = { id: item.id, json: json ?? '', error: text, member };
          if (await deadLetter(redis, item.eventId, group, letter)) {
            this.#toTrim.add(item.eventId);
            this.#onUndecodable?.({ eventId: item.eventId, id: item.id, group }, text);
          }
        }
      }
      return records;
    };
    return {
      readNew: async (max) => decoded(await reader.readNew(await events(), max)),
      claimStale: async (idleMs, max) => decoded(await reader.claimStale(await events(), idleMs, max)),
      acknowledge: async (records) => {
        const byEvent = new Map<string, string[]>();
        for (const record of records) {
          const ids = byEvent.get(record.eventId);
          if (ids === undefined) byEvent.set(record.eventId, [record.id]);
          else ids.push(record.id);
        }
        await Promise.all([...byEvent].map(([eventId, ids]) => acknowledge(redis, eventId, group, ids)));
        for (const eventId of byEvent.keys()) this.#toTrim.add(eventId);
      },
      deadLetter: async (record, error) => {
        const json = record instanceof StreamRecord ? record.json : JSON.stringify(record.entry);
        await deadLetter(redis, record.eventId, group, { id: record.id, json, error, member });
        this.#toTrim.add(record.eventId);
      },
    };
  }

  async positions(eventId?: string): Promise<GroupPosition[]> {
    const eventIds = eventId !== undefined ? [eventId] : await this.#redis.smembers(EVENTS_KEY);
    const byGroup = new Map<string, { pending: number; lag: number }>();
    await inGroups(eventIds, async (id) => {
      for (const info of await groupInfos(this.#redis, id)) {
        const lag = (await countOf(this.#redis, id, info)) - info.pending;
        const position = byGroup.get(info.name) ?? { pending: 0, lag: 0 };
        position.pending += info.pending;
        position.lag += lag;
        byGroup.set(info.name, position);
      }
    });
    return [...byGroup].sort(([a], [b]) => a.localeCompare(b)).map(([group, at]) => ({ group, ...at }));
  }

  unacknowledged(group: string, eventId: string): Promise<LogEntry[]> {
    return unacknowledgedEntries(this.#redis, eventId, group);
  }

  /** Trims the streams of the events whose entries some group of this log acknowledged since the last trim. */
  async trim(): Promise<number> {
    const eventIds = [...this.#toTrim];
    this.#toTrim.clear();
    let removed = 0;
    await inGroups(eventIds, async (eventId) => {
      removed += await trimAcknowledged(this.#redis, eventId, this.#trimMarginMs);
    });
    return removed;
  }

  /** The Redis client is the caller's: it stays open. */
  async close(): Promise<void> {}
}

/** A record as read from a stream, with the entry's JSON as the stream holds it (for its dead letter). */
class StreamRecord implements LogRecord {
  constructor(
    readonly id: string,
    readonly eventId: string,
    readonly entry: LogEntry,
    readonly deliveries: number,
    readonly json: string,
  ) {}
}

async function inGroups(
  eventIds: readonly string[],
  work: (eventId: string) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < eventIds.length; start += STREAM_COMMANDS_CONCURRENT)
    await Promise.all(eventIds.slice(start, start + STREAM_COMMANDS_CONCURRENT).map(work));
}
