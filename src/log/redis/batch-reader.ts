// Fills one batch from many event streams. In a Redis Cluster the streams of different events live on
// different shards, so each is read with its own command; READ_WAVE_STREAMS of them at a time, each for a
// share of what the batch still has room for. Streams that filled their share are read again while room
// remains, so one busy event among many idle ones still fills whole batches. The start rotates from batch
// to batch so that no event is always served last.
import type { RedisClient } from './client.js';
import type { RawStreamEntry } from './redis-replies.js';
import { claimStale, readNew } from './stream-group.js';

/** Streams read concurrently: enough to hide round trips, few enough to keep shares of a batch useful. */
const READ_WAVE_STREAMS = 8;

/** One entry as read from an event's log stream, before decoding. */
export interface StreamEntry extends RawStreamEntry {
  readonly eventId: string;
  /** How many times the entry has been delivered to the group, this delivery included. */
  readonly deliveries: number;
}

interface StreamRead {
  readonly entries: StreamEntry[];
  /** The stream may have more for this read: read it again while the batch has room. */
  readonly more: boolean;
}

export class BatchReader {
  readonly #redis: RedisClient;
  readonly #group: string;
  readonly #member: string;
  /** Where each stream's XAUTOCLAIM scan goes on; absent means from the start. */
  readonly #claimCursors = new Map<string, string>();
  #rotation = 0;

  constructor(redis: RedisClient, group: string, member: string) {
    this.#redis = redis;
    this.#group = group;
    this.#member = member;
  }

  /** Entries never delivered before, at most budget of them. */
  readNew(eventIds: readonly string[], budget: number): Promise<StreamEntry[]> {
    return this.#fill(eventIds, budget, async (eventId, count) => {
      const raw = await readNew(this.#redis, eventId, this.#group, this.#member, count);
      return {
        entries: raw.map((entry) => ({ ...entry, eventId, deliveries: 1 })),
        more: raw.length === count,
      };
    });
  }

  /** Entries pending longer than idleMs with any member, now this member's. */
  claimStale(eventIds: readonly string[], idleMs: number, budget: number): Promise<StreamEntry[]> {
    return this.#fill(eventIds, budget, async (eventId, count) => {
      const cursor = this.#claimCursors.get(eventId) ?? '0-0';
      const claimed = await claimStale(
        this.#redis,
        eventId,
        this.#group,
        this.#member,
        idleMs,
        cursor,
        count,
      );
      if (claimed.next === '0-0') this.#claimCursors.delete(eventId);
      else this.#claimCursors.set(eventId, claimed.next);
      return {
        // Not in the pending list any more: acknowledged between the two commands; at least a second delivery.
        entries: claimed.entries.map((entry) => ({
          ...entry,
          eventId,
          deliveries: claimed.deliveries.get(entry.id) ?? 2,
        })),
        more: claimed.next !== '0-0',
      };
    });
  }

  /** True while some stream's claim scan stopped half-way for want of room. */
  get claimUnfinished(): boolean {
    return this.#claimCursors.size > 0;
  }

  async #fill(
    eventIds: readonly string[],
    budget: number,
    readOne: (eventId: string, count: number) => Promise<StreamRead>,
  ): Promise<StreamEntry[]> {
    const batch: StreamEntry[] = [];
    let candidates = this.#rotated(eventIds);
    while (candidates.length > 0 && batch.length < budget) {
      const again: string[] = [];
      for (let start = 0; start < candidates.length && batch.length < budget; ) {
        const room = budget - batch.length;
        const wave = candidates.slice(start, start + Math.min(READ_WAVE_STREAMS, room));
        start += wave.length;
        const share = Math.floor(room / wave.length);
        const reads = await Promise.all(wave.map((eventId) => readOne(eventId, share)));
        reads.forEach((read, i) => {
          batch.push(...read.entries);
          if (read.more) again.push(wave[i] as string);
        });
      }
      candidates = again;
    }
    return batch;
  }

  #rotated(eventIds: readonly string[]): string[] {
    if (eventIds.length === 0) return [];
    this.#rotation = (this.#rotation + 1) % eventIds.length;
    return [...eventIds.slice(this.#rotation), ...eventIds.slice(0, this.#rotation)];
  }
}
