// Commits one batch of stream entries to the store in one transaction, then acknowledges them (never
// before: an entry acknowledged but not committed would be lost). When the transaction fails:
// - the store is at fault (it does not answer its ping, or the error is not one an entry can cause, see
//   store-faults.ts): nobody's entry is to blame. The whole batch is retried with backoff until the store
//   takes it, with one log line at the start and one at the end;
// - otherwise some entry fails. The batch is cut in halves, recursively, so that healthy entries land and
//   the failing ones are isolated. An isolated entry delivered maxDeliveries times goes to the event's
//   dead-letter stream; below that it stays pending, and a claim delivers it again after claimIdleMs.
// Entries that cannot be decoded go to the dead-letter stream at once: no retry can fix them. So do entries
// the store refuses for an older gate epoch (store/epoch-fence.ts): a later delivery would be refused too.

import { isHoldEntry, type LogEntry, statusAfter } from '../domain/log-entry.js';
import { decodeEntry, entryJsonOf } from '../gate/redis/log-stream.js';
import type { ProjectorMetrics } from '../metrics/projector-metrics.js';
import type { Store } from '../store/store.js';
import type { StreamEntry } from './batch-reader.js';
import { acknowledge, deadLetter, deliveryCount, type RedisClient, type StoredEnding } from './log-group.js';
import { OutageLog, type ProjectorLogger } from './outage-log.js';
import { Backoff } from './pause.js';
import { entriesToBlame } from './store-faults.js';
import { oldestStreamIdMs } from './stream-id.js';

/** First and longest wait between retries of a batch while the store is unreachable. */
const STORE_RETRY_MS_MIN = 100;
const STORE_RETRY_MS_MAX = 5_000;

interface DecodedEntry extends StreamEntry {
  readonly entry: LogEntry;
}

export interface BatchCommitOptions {
  readonly redis: RedisClient;
  readonly store: Pick<Store, 'appendEntries' | 'ping'>;
  readonly consumer: string;
  readonly maxDeliveries: number;
  readonly metrics: ProjectorMetrics | undefined;
  readonly logger: ProjectorLogger | undefined;
  readonly clock: () => number;
  /** Waits, or returns early when the projector stops. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly stopping: () => boolean;
  /** Told of every event with entries acknowledged, so that its stream gets trimmed. */
  readonly acknowledged: (eventId: string) => void;
}

export class BatchCommit {
  readonly #options: BatchCommitOptions;
  readonly #storeOutage: OutageLog;
  readonly #backoff = new Backoff(STORE_RETRY_MS_MIN, STORE_RETRY_MS_MAX);

  constructor(options: BatchCommitOptions) {
    this.#options = options;
    this.#storeOutage = new OutageLog(options.logger, 'The store', options.clock);
  }

  async commit(batch: readonly StreamEntry[]): Promise<void> {
    const decoded: DecodedEntry[] = [];
    for (const item of batch) {
      const json = item.fields === null ? undefined : entryJsonOf(item.fields);
      try {
        if (json === undefined) throw new Error('The stream entry has no log entry field.');
        decoded.push({ ...item, entry: decodeEntry(json) });
      } catch (error) {
        await this.#deadLetter(item, json ?? '', error);
      }
    }
    if (decoded.length > 0) await this.#commitOrIsolate(decoded);
  }

  async #commitOrIsolate(entries: readonly DecodedEntry[]): Promise<void> {
    let failure: { error: unknown } | undefined;
    for (;;) {
      failure = await this.#tryCommit(entries);
      if (failure === undefined) return;
      this.#options.metrics?.failedBatch();
      if (entriesToBlame(failure.error) && (await this.#storeAnswers())) break;
      this.#storeOutage.failed(failure.error);
      // Stopping mid-outage leaves the batch pending: this or another worker claims it later.
      if (this.#options.stopping()) return;
      await this.#options.sleep(this.#backoff.nextMs());
    }
    const [only] = entries;
    if (entries.length === 1 && only !== undefined) return this.#blame(only, failure.error);
    const middle = Math.ceil(entries.length / 2);
    await this.#commitOrIsolate(entries.slice(0, middle));
    await this.#commitOrIsolate(entries.slice(middle));
  }

  /** Commits and acknowledges; the store's error when the transaction failed. */
  async #tryCommit(entries: readonly DecodedEntry[]): Promise<{ error: unknown } | undefined> {
    const startedMs = performance.now();
    let refused: ReadonlySet<LogEntry>;
    try {
      const outcome = await this.#options.store.appendEntries(entries.map((item) => item.entry));
      refused = new Set(outcome.refused);
    } catch (error) {
      return { error };
    }
    this.#storeOutage.recovered();
    this.#backoff.reset();
    const metrics = this.#options.metrics;
    metrics?.committed(entries.length, (performance.now() - startedMs) / 1000);
    metrics?.lag((this.#options.clock() - oldestStreamIdMs(entries.map((item) => item.id))) / 1000);
    // Redis failing here leaves the entries pending: they are claimed and projected again, which changes
    // nothing in the store.
    await this.#acknowledge(entries.filter((item) => !refused.has(item.entry)));
    for (const item of entries) if (refused.has(item.entry)) await this.#refuseStale(item);
    return undefined;
  }

  /**
   * An entry the store refused: decided under an older gate epoch than the event's (it was rebuilt since, so
   * the rebuilt gate does not know it), and not shown by the store. It is an acknowledged decision that
   * Redis lost; writing it now would put it behind the rebuild's snapshot. It goes to the dead-letter stream,
   * where the audit counts it, never silently into the store.
   */
  async #refuseStale(item: DecodedEntry): Promise<void> {
    const error = new Error(
      `Refused by the store: decided under gate epoch ${item.entry.epoch}, before the event's gate state ` +
        'was rebuilt; the rebuilt gate does not know it.',
    );
    await this.#deadLetter(item, entryJsonOf(item.fields ?? []) ?? '', error);
  }

  async #acknowledge(entries: readonly DecodedEntry[]): Promise<void> {
    const idsByEvent = new Map<string, { ids: string[]; ended: StoredEnding[] }>();
    for (const item of entries) {
      let event = idsByEvent.get(item.eventId);
      if (event === undefined) {
        event = { ids: [], ended: [] };
        idsByEvent.set(item.eventId, event);
      }
      event.ids.push(item.id);
      // The store has this ending now: the gate's record of it, kept for reads until then, can go.
      if (!isHoldEntry(item.entry)) continue;
      const { type, hold } = item.entry;
      if (type !== 'hold_placed' && type !== 'hold_extended' && type !== 'order_cancelled')
        event.ended.push({ holdId: hold.id, status: statusAfter(item.entry) });
    }
    await Promise.all(
      [...idsByEvent].map(([eventId, { ids, ended }]) =>
        acknowledge(this.#options.redis, eventId, ids, ended),
      ),
    );
    for (const eventId of idsByEvent.keys()) this.#options.acknowledged(eventId);
  }

  async #storeAnswers(): Promise<boolean> {
    try {
      await this.#options.store.ping();
      return true;
    } catch {
      return false;
    }
  }

  /** An entry that failed alone while the store answers. */
  async #blame(item: DecodedEntry, error: unknown): Promise<void> {
    const { redis, maxDeliveries, logger } = this.#options;
    const deliveries = await deliveryCount(redis, item.eventId, item.id);
    // No longer pending: another worker projected it meanwhile.
    if (deliveries === undefined) return;
    if (deliveries >= maxDeliveries) {
      await this.#deadLetter(item, entryJsonOf(item.fields ?? []) ?? '', error);
      return;
    }
    logger?.warn(
      { eventId: item.eventId, entryId: item.id, deliveries, err: error },
      'log entry failed to project; it stays pending and is delivered again',
    );
  }

  async #deadLetter(item: StreamEntry, json: string, error: unknown): Promise<void> {
    const text = error instanceof Error ? error.message : String(error);
    await deadLetter(this.#options.redis, item.eventId, {
      id: item.id,
      json,
      error: text,
      consumer: this.#options.consumer,
    });
    this.#options.metrics?.deadLettered(1);
    this.#options.acknowledged(item.eventId);
    this.#options.logger?.error(
      { eventId: item.eventId, entryId: item.id, error: text },
      'log entry moved to the dead-letter stream',
    );
  }
}
