// The log port kept in memory: nothing survives the process. For unit tests of consumers (projection,
// webhook delivery) and as the reference the adapters' conformance suite compares with.
import type { LogEntry } from '../../domain/log-entry.js';
import type { AppendableLog, GroupPosition, LogConsumer, LogRecord } from '../log.js';
import { claimIdle, type Deliveries, deliverNew, type Sequenced, seqOf } from '../sequenced-groups.js';

interface Group extends Deliveries {
  readonly deadLetters: { record: LogRecord; error: string }[];
}

export class MemoryLog implements AppendableLog {
  readonly #clock: () => number;
  /** Records from seq `#base` on; older ones were trimmed. */
  #records: Sequenced[] = [];
  #base = 0;
  readonly #groups = new Map<string, Group>();

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  async append(entries: readonly LogEntry[]): Promise<void> {
    for (const entry of entries)
      this.#records.push({ seq: this.#base + this.#records.length, eventId: entry.eventId, entry });
  }

  consumer(group: string, member: string): LogConsumer {
    const state = this.#group(group);
    return {
      readNew: async (max) =>
        deliverNew(
          state,
          this.#base + this.#records.length,
          (seq) => this.#at(seq),
          member,
          this.#clock(),
          max,
        ),
      claimStale: async (idleMs, max) =>
        claimIdle(state, (seq) => this.#at(seq), member, this.#clock(), idleMs, max),
      acknowledge: async (records) => {
        for (const record of records) state.pending.delete(seqOf(record));
      },
      deadLetter: async (record, error) => {
        state.deadLetters.push({ record, error });
        state.pending.delete(seqOf(record));
      },
    };
  }

  async positions(eventId?: string): Promise<GroupPosition[]> {
    const end = this.#base + this.#records.length;
    const counts = (from: number, to: number) => {
      let n = 0;
      for (let seq = from; seq < to; seq++)
        if (eventId === undefined || this.#at(seq).eventId === eventId) n++;
      return n;
    };
    return [...this.#groups].map(([group, state]) => ({
      group,
      pending: [...state.pending.keys()].filter(
        (seq) => eventId === undefined || this.#at(seq).eventId === eventId,
      ).length,
      lag: counts(state.next, end),
    }));
  }

  async unacknowledged(group: string, eventId: string): Promise<LogEntry[]> {
    const state = this.#group(group);
    const out: LogEntry[] = [];
    for (const stored of this.#records) {
      if (stored.eventId !== eventId) continue;
      if (stored.seq >= state.next || state.pending.has(stored.seq)) out.push(stored.entry);
    }
    return out;
  }

  async trim(): Promise<number> {
    let keepFrom = this.#base + this.#records.length;
    for (const state of this.#groups.values()) {
      keepFrom = Math.min(keepFrom, state.next, ...state.pending.keys());
    }
    if (this.#groups.size === 0) keepFrom = this.#base;
    const removed = keepFrom - this.#base;
    this.#records = this.#records.slice(removed);
    this.#base = keepFrom;
    return removed;
  }

  /** Records the group moved to its dead letters (tests). */
  deadLetters(group: string): readonly { record: LogRecord; error: string }[] {
    return this.#group(group).deadLetters;
  }

  async close(): Promise<void> {}

  #group(name: string): Group {
    let state = this.#groups.get(name);
    if (state === undefined) {
      state = { next: this.#base, pending: new Map(), deadLetters: [] };
      this.#groups.set(name, state);
    }
    return state;
  }

  #at(seq: number): Sequenced {
    return this.#records[seq - this.#base] as Sequenced;
  }
}
