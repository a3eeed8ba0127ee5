// Commits one batch of log records to the store in one transaction, then acknowledges them (never before:
// a record acknowledged but not committed would be lost). When the transaction fails:
// - the store is at fault (it does not answer its ping, or the error is not one an entry can cause, see
//   store-faults.ts): nobody's entry is to blame. The whole batch is retried with backoff until the store
//   takes it, with one log line at the start and one at the end;
// - otherwise some entry fails. The batch is cut in halves, recursively, so that healthy entries land and
//   the failing ones are isolated. An isolated record delivered maxDeliveries times goes to the group's
//   dead letters; below that it stays pending, and a claim delivers it again after the claim idle time. A
//   projector that does not claim (the embedded shape's one member, whose log is fed to it in order) tries
//   such a record again itself, after a backoff, counting the attempts the same way.
// Records the store refuses for an older gate epoch (store/epoch-fence.ts) go to the dead letters at once:
// a later delivery would be refused too.
import type { LogEntry } from '../domain/log-entry.js';
import type { LogConsumer, LogRecord } from '../log/log.js';
import type { ProjectorMetrics } from '../metrics/projector-metrics.js';
import type { Store } from '../store/store.js';
import { OutageLog, type ProjectorLogger } from './outage-log.js';
import { Backoff } from './pause.js';
import { entriesToBlame } from './store-faults.js';

/** First and longest wait between retries of a batch while the store is unreachable. */
const STORE_RETRY_MS_MIN = 100;
const STORE_RETRY_MS_MAX = 5_000;

/** Work after the store has a batch and before it is acknowledged: a failure leaves the batch pending. */
export type ProjectedHook = (records: readonly LogRecord[]) => Promise<void>;

export interface BatchCommitOptions {
  readonly consumer: LogConsumer;
  readonly store: Pick<Store, 'appendEntries' | 'ping'>;
  readonly maxDeliveries: number;
  readonly metrics: ProjectorMetrics | undefined;
  readonly logger: ProjectorLogger | undefined;
  readonly clock: () => number;
  /** Waits, or returns early when the projector stops. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly stopping: () => boolean;
  readonly projected: ProjectedHook | undefined;
  /** Told how many records left the group (acknowledged or dead-lettered) after each step. */
  readonly finished: ((count: number) => void) | undefined;
  /** Runs the store's transaction and the acknowledgement inside the projector's commit window, which the
   *  audit closes to hold the projection still (commit-window.ts). */
  readonly inWindow: <T>(work: () => Promise<T>) => Promise<T>;
  /** No claims: a record that failed alone is tried again here instead of waiting for one. */
  readonly retryInPlace: boolean;
}

/** A batch the store could not take while the commit was told not to wait (the start's replay). */
export class StoreOutage extends Error {
  override readonly name = 'StoreOutage';
}

export class BatchCommit {
  readonly #options: BatchCommitOptions;
  readonly #storeOutage: OutageLog;
  readonly #backoff = new Backoff(STORE_RETRY_MS_MIN, STORE_RETRY_MS_MAX);

  constructor(options: BatchCommitOptions) {
    this.#options = options;
    this.#storeOutage = new OutageLog(options.logger, 'The store', options.clock);
  }

  /**
   * `waitOutOutages` false: a store outage rejects (StoreOutage, the store's error as its cause) instead of
   * being waited out, leaving the batch pending.
   */
  async commit(batch: readonly LogRecord[], waitOutOutages = true): Promise<void> {
    if (batch.length > 0) await this.#commitOrIsolate(batch, waitOutOutages);
  }

  async #commitOrIsolate(records: readonly LogRecord[], waitOutOutages: boolean): Promise<void> {
    let failure: { error: unknown } | undefined;
    for (;;) {
      failure = await this.#tryCommit(records);
      if (failure === undefined) return;
      this.#options.metrics?.failedBatch();
      if (entriesToBlame(failure.error) && (await this.#storeAnswers())) break;
      if (!waitOutOutages)
        throw new StoreOutage(`The store refused a batch: ${messageOf(failure.error)}`, {
          cause: failure.error,
        });
      this.#storeOutage.failed(failure.error);
      // Stopping mid-outage leaves the batch pending: this or another worker claims it later.
      if (this.#options.stopping()) return;
      await this.#options.sleep(this.#backoff.nextMs());
    }
    const [only] = records;
    if (records.length === 1 && only !== undefined) return this.#blame(only, failure.error, waitOutOutages);
    const middle = Math.ceil(records.length / 2);
    await this.#commitOrIsolate(records.slice(0, middle), waitOutOutages);
    await this.#commitOrIsolate(records.slice(middle), waitOutOutages);
  }

  /** Commits and acknowledges; the store's error when the transaction failed. */
  async #tryCommit(records: readonly LogRecord[]): Promise<{ error: unknown } | undefined> {
    const startedMs = performance.now();
    let refused: ReadonlySet<LogEntry> = new Set();
    let failure: { error: unknown } | undefined;
    await this.#options.inWindow(async () => {
      try {
        const outcome = await this.#options.store.appendEntries(records.map((record) => record.entry));
        refused = new Set(outcome.refused);
      } catch (error) {
        failure = { error };
        return;
      }
      // The log failing here leaves the records pending: they are claimed and projected again, which
      // changes nothing in the store.
      const stored = records.filter((record) => !refused.has(record.entry));
      if (stored.length > 0) {
        await this.#options.projected?.(stored);
        await this.#options.consumer.acknowledge(stored);
      }
    });
    if (failure !== undefined) return failure;
    this.#storeOutage.recovered();
    this.#backoff.reset();
    const metrics = this.#options.metrics;
    metrics?.committed(records.length, (performance.now() - startedMs) / 1000);
    metrics?.lag(Math.max(0, this.#options.clock() - oldestAtMs(records)) / 1000);
    for (const record of records) if (refused.has(record.entry)) await this.#refuseStale(record);
    this.#options.finished?.(records.length);
    return undefined;
  }

  /**
   * A record the store refused: decided under an older gate epoch than the event's (it was rebuilt since, so
   * the rebuilt gate does not know it), and not shown by the store. It is an acknowledged decision that
   * the gate lost; writing it now would put it behind the rebuild's snapshot. It goes to the dead letters,
   * where the audit counts it, never silently into the store.
   */
  async #refuseStale(record: LogRecord): Promise<void> {
    const error = new Error(
      `Refused by the store: decided under gate epoch ${record.entry.epoch}, before the event's gate state ` +
        'was rebuilt; the rebuilt gate does not know it.',
    );
    await this.#deadLetter(record, error);
  }

  async #storeAnswers(): Promise<boolean> {
    try {
      await this.#options.store.ping();
      return true;
    } catch {
      return false;
    }
  }

  /** A record that failed alone while the store answers. */
  async #blame(record: LogRecord, error: unknown, waitOutOutages: boolean): Promise<void> {
    if (record.deliveries >= this.#options.maxDeliveries) {
      await this.#deadLetter(record, error);
      this.#options.finished?.(1);
      return;
    }
    this.#options.logger?.warn(
      { eventId: record.eventId, entryId: record.id, deliveries: record.deliveries, err: error },
      'log entry failed to project; it stays pending and is delivered again',
    );
    if (!this.#options.retryInPlace || this.#options.stopping()) return;
    const retry = new Backoff(STORE_RETRY_MS_MIN, STORE_RETRY_MS_MAX);
    for (let attempt = 1; attempt < record.deliveries; attempt++) retry.nextMs();
    await this.#options.sleep(retry.nextMs());
    if (this.#options.stopping()) return;
    await this.#commitOrIsolate([{ ...record, deliveries: record.deliveries + 1 }], waitOutOutages);
  }

  async #deadLetter(record: LogRecord, error: unknown): Promise<void> {
    const text = messageOf(error);
    await this.#options.consumer.deadLetter(record, text);
    this.#options.metrics?.deadLettered(1);
    this.#options.logger?.error(
      { eventId: record.eventId, entryId: record.id, error: text },
      'log entry moved to the dead letters',
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** When the oldest record was decided: the projection lag is measured from there. */
function oldestAtMs(records: readonly LogRecord[]): number {
  let oldest = Number.POSITIVE_INFINITY;
  for (const record of records) oldest = Math.min(oldest, record.entry.atMs);
  return oldest;
}
