// The embedded shape's projection: a member of PROJECTION_GROUP that applies what the log made durable to
// the store (store.appendEntries is idempotent, so a batch applied twice after a crash is harmless), off the
// request path. It tells readers when it has caught up with everything durable so far (the watermark that
// reads of the store wait for), and lets the audit hold it still while it compares gate, log and store.

import { type Log, type LogConsumer, type LogRecord, PROJECTION_GROUP } from '../../log/log.js';
import type { Store } from '../../store/store.js';
import { Watermark } from './watermark.js';

export { ProjectionBehindError } from './watermark.js';

/**
 * Entries per store transaction. Where PGlite runs on the requests' thread, a transaction holds the event
 * loop for its whole length: a smaller batch lets requests in between, at a higher cost per entry.
 */
export const PROJECTION_BATCH_MAX = 500;

/** The embedded projection's name in PROJECTION_GROUP. */
export const PROJECTION_MEMBER = 'embedded';

export interface ProjectionOptions {
  /** Called with each failed attempt to apply a batch; the batch is retried after retryMs. */
  readonly onError?: (error: unknown) => void;
  readonly retryMs?: number;
  /** Told how many entries announced since start are in the store, after each batch (the thread's report). */
  readonly onProjected?: (projected: number) => void;
}

/** What the embedded shape asks of its projection, wherever it runs (this loop, or its own thread). */
export interface Projection {
  replay(): Promise<number>;
  start(): void;
  readonly announce: (entries: readonly unknown[]) => void;
  caughtUp(boundMs: number): Promise<void>;
  lag(): number;
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export class ProjectionLoop implements Projection {
  readonly #log: Log;
  readonly #store: Pick<Store, 'appendEntries'>;
  readonly #consumer: LogConsumer;
  readonly #options: ProjectionOptions;
  readonly #watermark = new Watermark();
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #lock: Promise<unknown> = Promise.resolve();

  constructor(log: Log, store: Pick<Store, 'appendEntries'>, options: ProjectionOptions = {}) {
    this.#log = log;
    this.#store = store;
    this.#consumer = log.consumer(PROJECTION_GROUP, PROJECTION_MEMBER);
    this.#options = options;
  }

  /** Applies everything the log holds unprojected (at start, before the gate is rebuilt); returns the count. */
  async replay(): Promise<number> {
    let total = 0;
    for (;;) {
      const records = await this.#consumer.readNew(PROJECTION_BATCH_MAX);
      if (records.length === 0) {
        // The watermark counts what was announced after the start; the replayed tail came before it.
        this.#advance(this.#watermark.durable);
        return total;
      }
      await this.#apply(records);
      await this.#trim();
      total += records.length;
    }
  }

  /** Runs the loop until stop(). */
  start(): void {
    this.#running ??= this.#run();
  }

  /** The log made these entries durable (the group commit's durable listener). */
  readonly announce = (entries: readonly unknown[]): void => {
    this.announced(entries.length);
  };

  /** `count` more entries are durable (the main thread's notice, when this loop runs on its own thread). */
  announced(count: number): void {
    this.#watermark.announce(count);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves once everything durable when called is in the store; rejects after `boundMs`. */
  caughtUp(boundMs: number): Promise<void> {
    return this.#watermark.caughtUp(boundMs);
  }

  /** Entries durable but not yet in the store. */
  lag(): number {
    return this.#watermark.lag();
  }

  /** Runs work while no batch is being applied (the audit's window over log and store). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(work);
    this.#lock = run.catch(() => {});
    return run;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#running;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const records = await this.#consumer.readNew(PROJECTION_BATCH_MAX);
      if (records.length === 0) {
        // Nothing new: sleep until the next durable batch (announce) or stop.
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          if (this.#watermark.lag() > 0 || this.#stopped) resolve();
        });
        continue;
      }
      await this.#applyUntilDone(records);
      await this.#trim();
      // Requests that arrived during the batch go first.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** A batch the store refused stays this member's until it is applied: the store's outage is waited out. */
  async #applyUntilDone(records: readonly LogRecord[]): Promise<void> {
    for (;;) {
      try {
        await this.#apply(records);
        return;
      } catch (error) {
        this.#options.onError?.(error);
        if (this.#stopped) return;
        await new Promise((resolve) => setTimeout(resolve, this.#options.retryMs ?? 500));
      }
    }
  }

  async #apply(records: readonly LogRecord[]): Promise<void> {
    await this.exclusive(async () => {
      await this.#store.appendEntries(records.map((record) => record.entry));
      await this.#consumer.acknowledge(records);
    });
    this.#advance(this.#watermark.projected + records.length);
  }

  /** Frees room in a bounded log (placements may be waiting for it). */
  async #trim(): Promise<void> {
    await this.#log.trim().catch((error: unknown) => this.#options.onError?.(error));
  }

  #advance(projected: number): void {
    this.#watermark.advance(projected);
    this.#options.onProjected?.(projected);
  }
}
