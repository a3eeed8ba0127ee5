// Adaptive group commit: the embedded shape's log. A change is acknowledged only after the transaction that
// holds it has committed. There is no timer: a flush starts as soon as the previous one has finished, and
// whatever arrived meanwhile forms the next batch, so batches grow with load and latency stays one commit
// deep. (A fixed 5 ms timer measured 4x slower at 64 clients.)
//
// When a commit fails, everything decided since the last durable commit is undone in the gate, newest
// first — the failed batch and all appended after it, since those were decided on top of it — and every one
// of those callers gets the error. The gate is then exactly the fold of the durable log again.
import { COMMIT_BATCH_ENTRIES_MAX } from '../domain/limits.js';
import type { LogEntry } from '../domain/log-entry.js';
import type { Journal, Undo } from './journal.js';

interface Pending {
  readonly entries: readonly LogEntry[];
  readonly undo: Undo;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface CommitObserver {
  committed(entries: number, seconds: number): void;
  failed(entries: number): void;
}

/** Receives the entries of each committed batch, in log order (entries of any events, never undone ones). */
export type DurableListener = (entries: readonly LogEntry[]) => void;

export class GroupCommit implements Journal {
  readonly #write: (entries: readonly LogEntry[]) => Promise<void>;
  readonly #observer: CommitObserver | undefined;
  readonly #durableListeners: DurableListener[] = [];
  #queue: Pending[] = [];
  #writing: Promise<void> = Promise.resolve();
  #inFlight: Pending[] = [];
  #flushing = false;
  #scheduled = false;

  constructor(write: (entries: readonly LogEntry[]) => Promise<void>, observer?: CommitObserver) {
    this.#write = write;
    this.#observer = observer;
  }

  append(entries: readonly LogEntry[], undo: Undo): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ entries, undo, resolve, reject });
      this.#schedule();
    });
  }

  sync(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight.length === 0) return Promise.resolve();
    return this.append([], () => {});
  }

  /**
   * Calls listener once per committed batch with all of its entries, once the batch's promises are resolved
   * (the live feed). One call per batch keeps the hot path free of per-entry work; a listener that throws
   * is ignored, since the batch is durable whatever a reader of it does.
   */
  onDurable(listener: DurableListener): void {
    this.#durableListeners.push(listener);
  }

  pending(eventId?: string): LogEntry[] {
    const entries: LogEntry[] = [];
    for (const list of [this.#inFlight, this.#queue]) {
      for (const item of list) {
        for (const entry of item.entries)
          if (eventId === undefined || entry.eventId === eventId) entries.push(entry);
      }
    }
    return entries;
  }

  quiesce<T>(work: () => Promise<T>): Promise<T> {
    return this.#exclusive(work);
  }

  /** Runs work after every earlier exclusive work (batch writes and quiesced reads), one at a time. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writing.then(work);
    this.#writing = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  #schedule(): void {
    if (this.#flushing || this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate, not a microtask: every request already read in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const batch = this.#takeBatch();
      const entries = batch.flatMap((item) => item.entries);
      const startedAt = performance.now();
      try {
        if (entries.length > 0) await this.#exclusive(() => this.#write(entries));
      } catch (error) {
        this.#fail(batch, error);
        continue;
      }
      this.#inFlight = [];
      this.#observer?.committed(entries.length, (performance.now() - startedAt) / 1000);
      for (const item of batch) item.resolve();
      if (entries.length > 0) this.#announceDurable(entries);
    }
    this.#flushing = false;
  }

  #announceDurable(entries: readonly LogEntry[]): void {
    for (const listener of this.#durableListeners) {
      try {
        listener(entries);
      } catch {
        // Listeners report their own faults; this keeps a faulty one from stalling the commit loop.
      }
    }
  }

  #takeBatch(): Pending[] {
    let count = 0;
    let taken = 0;
    while (taken < this.#queue.length) {
      const size = (this.#queue[taken] as Pending).entries.length;
      if (taken > 0 && count + size > COMMIT_BATCH_ENTRIES_MAX) break;
      count += size;
      taken++;
    }
    const batch = this.#queue.slice(0, taken);
    this.#queue = this.#queue.slice(taken);
    this.#inFlight = batch;
    return batch;
  }

  /** Undoes the failed batch and everything queued after it, newest first, and rejects all of them. */
  #fail(batch: Pending[], error: unknown): void {
    const doomed = [...batch, ...this.#queue];
    this.#queue = [];
    this.#inFlight = [];
    let count = 0;
    for (let i = doomed.length - 1; i >= 0; i--) {
      const item = doomed[i] as Pending;
      item.undo([...item.entries].reverse());
      count += item.entries.length;
    }
    this.#observer?.failed(count);
    for (const item of doomed) item.reject(error);
  }
}
