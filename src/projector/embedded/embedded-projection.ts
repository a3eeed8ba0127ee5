// The embedded shape's projection: the projector (projector.ts) as the one member of PROJECTION_GROUP, kept
// in step with a watermark. Reads of the store wait until it holds everything the log had made durable when
// they began (read-your-writes), so the projection counts the entries announced durable since start and
// those that left its group. It runs on the requests' thread (BOXOFFICE_PROJECTION_THREAD=main) or on its
// own (projection-worker.ts, whose ProjectionThread on the main thread mirrors the watermark).
import type { Log } from '../../log/log.js';
import type { Store } from '../../store/store.js';
import type { ProjectorLogger } from '../outage-log.js';
import { Projector } from '../projector.js';
import { Watermark } from './watermark.js';

export { ProjectionBehindError } from './watermark.js';

/**
 * Entries per store transaction. Where PGlite runs on the requests' thread, a transaction holds the event
 * loop for its whole length: a smaller batch lets requests in between, at a higher cost per entry.
 */
export const PROJECTION_BATCH_MAX = 500;

/** The embedded projection's name in PROJECTION_GROUP. */
export const PROJECTION_MEMBER = 'embedded';

/**
 * Longest idle wait: each durable batch wakes the projector (announce), so this only bounds how late an entry
 * appended without an announcement is seen.
 */
const IDLE_WAIT_MS = 1_000;

export interface EmbeddedProjectionOptions {
  /** Outages of the store, poison entries (and their dead letters). */
  readonly logger?: ProjectorLogger;
  /** Told how many entries announced since start are in the store, after each batch (the thread's report). */
  readonly onProjected?: (projected: number) => void;
}

/** What the embedded shape asks of its projection, wherever it runs (here, or on its own thread). */
export interface Projection {
  replay(): Promise<number>;
  start(): void;
  readonly announce: (entries: readonly unknown[]) => void;
  caughtUp(boundMs: number): Promise<void>;
  lag(): number;
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export class EmbeddedProjection implements Projection {
  readonly projector: Projector;
  readonly #watermark = new Watermark();
  readonly #onProjected: ((projected: number) => void) | undefined;
  #replaying = false;
  #running: Promise<void> | undefined;

  constructor(
    log: Log,
    store: Pick<Store, 'appendEntries' | 'ping'>,
    options: EmbeddedProjectionOptions = {},
  ) {
    this.#onProjected = options.onProjected;
    this.projector = new Projector({
      log,
      store,
      consumer: PROJECTION_MEMBER,
      logger: options.logger,
      batchMax: PROJECTION_BATCH_MAX,
      // One member, fed in order: nobody's entries to claim; a failing entry is tried again in place.
      claims: false,
      idleWaitMs: IDLE_WAIT_MS,
      // Readers wait for each batch: no waiting to gather a fuller one, and trimming after each frees room
      // in the bounded log file, where placements may be waiting for it.
      gatherWaitMs: 0,
      trimIntervalMs: 0,
      onProjected: (count) => {
        if (!this.#replaying) this.#advance(this.#watermark.projected + count);
      },
    });
  }

  /** Applies everything the log holds unprojected (at start, before the gate is rebuilt); returns the count. */
  async replay(): Promise<number> {
    this.#replaying = true;
    try {
      return await this.projector.catchUp();
    } finally {
      this.#replaying = false;
      // The watermark counts what was announced after the start; the replayed tail came before it.
      this.#advance(this.#watermark.durable);
    }
  }

  /** Runs the projector until stop(). */
  start(): void {
    this.#running ??= this.projector.start();
  }

  /** The log made these entries durable (the group commit's durable listener). */
  readonly announce = (entries: readonly unknown[]): void => {
    this.announced(entries.length);
  };

  /** `count` more entries are durable (the main thread's notice, when the projection runs on its own thread). */
  announced(count: number): void {
    this.#watermark.announce(count);
    this.projector.wake();
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
    return this.projector.exclusive(work);
  }

  async stop(): Promise<void> {
    if (this.#running === undefined) return;
    await this.projector.stop();
    this.#running = undefined;
  }

  #advance(projected: number): void {
    this.#watermark.advance(projected);
    this.#onProjected?.(projected);
  }
}
