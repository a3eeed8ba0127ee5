// The projector worker of the distributed shape: reads the event log streams as a member of the consumer
// group `projectors`, projects each batch into the store in one transaction, acknowledges it, takes over
// entries a dead worker left pending, moves poison entries to dead-letter streams and trims what every
// worker is done with. Any number of workers share the streams; the projection is idempotent and
// commutative per hold (store/projection.ts), so redelivered or reordered entries change nothing.
import { EVENTS_KEY } from '../gate/redis/keys.js';
import type { ProjectorMetrics } from '../metrics/projector-metrics.js';
import type { Store } from '../store/store.js';
import { BatchCommit } from './batch-commit.js';
import { BatchReader, type StreamEntry } from './batch-reader.js';
import { ensureGroup, type RedisClient, trimAcknowledged } from './log-group.js';
import { OutageLog, type ProjectorLogger } from './outage-log.js';
import { Backoff, Pause } from './pause.js';
import { unprojected } from './unprojected.js';

/** ~1,000 entries per transaction amortise its round trips (docs/projector.md) and keep a retry cheap. */
export const BATCH_ENTRIES_MAX_DEFAULT = 1_000;
/** Far longer than any batch takes, so a slow live worker is not robbed; a dead one's entries move on. */
export const CLAIM_IDLE_MS_DEFAULT = 30_000;
/** Deliveries of an entry that fails alone before it is dead-lettered; transient faults pass before that. */
export const MAX_DELIVERIES_DEFAULT = 5;
/** Longest idle wait between reads: bounds the projection delay of the first entry after a quiet spell. */
export const IDLE_WAIT_MS_DEFAULT = 100;
/**
 * After a round that found only a small batch, the worker waits this long before reading again, so that
 * the next batch is fuller: under a steady sale a transaction per ~70 entries costs a third more CPU per
 * entry than one per ~300 (docs/benchmarks.md), and 25 ms is nothing next to the lag target of 1 s.
 */
export const GATHER_WAIT_MS_DEFAULT = 25;
/** A batch below this share of batchMax counts as small. */
const SMALL_BATCH_SHARE = 0.25;
/** How often the event registry is read again: a new event's entries wait at most this long. */
export const EVENTS_REFRESH_MS_DEFAULT = 1_000;
/** How often streams with newly acknowledged entries are trimmed. */
export const TRIM_INTERVAL_MS_DEFAULT = 1_000;
/** First and longest wait after a round failed (Redis unreachable). */
const ROUND_RETRY_MS_MIN = 100;
const ROUND_RETRY_MS_MAX = 5_000;
/** Events whose groups are created or whose streams are trimmed concurrently. */
const STREAM_COMMANDS_CONCURRENT = 16;

export interface ProjectorOptions {
  readonly redis: RedisClient;
  readonly store: Pick<Store, 'appendEntries' | 'ping'>;
  /** This worker's name in the group: unique among live workers (hostname and pid, say). */
  readonly consumer: string;
  readonly metrics?: ProjectorMetrics;
  readonly logger?: ProjectorLogger;
  readonly batchMax?: number;
  readonly claimIdleMs?: number;
  readonly maxDeliveries?: number;
  readonly idleWaitMs?: number;
  readonly eventsRefreshMs?: number;
  readonly trimIntervalMs?: number;
  /** Wait after a small batch, to gather a fuller one (0: read again at once). */
  readonly gatherWaitMs?: number;
  /** Acknowledged entries younger than this stay in the stream (see TRIM_MARGIN_MS). */
  readonly trimMarginMs?: number;
  readonly clock?: () => number;
}

export class Projector {
  readonly #redis: RedisClient;
  readonly #batchMax: number;
  readonly #claimIdleMs: number;
  readonly #idleWaitMs: number;
  readonly #eventsRefreshMs: number;
  readonly #trimIntervalMs: number;
  readonly #trimMarginMs: number | undefined;
  readonly #gatherWaitMs: number;
  readonly #clock: () => number;
  readonly #logger: ProjectorLogger | undefined;
  readonly #metrics: ProjectorMetrics | undefined;
  readonly #reader: BatchReader;
  readonly #commit: BatchCommit;
  readonly #pause = new Pause();
  #eventIds: string[] = [];
  readonly #grouped = new Set<string>();
  readonly #toTrim = new Set<string>();
  #eventsReadAtMs = Number.NEGATIVE_INFINITY;
  #claimedAtMs = Number.NEGATIVE_INFINITY;
  #trimmedAtMs = Number.NEGATIVE_INFINITY;
  #stopping = false;
  #loop: Promise<void> | undefined;

  constructor(options: ProjectorOptions) {
    this.#redis = options.redis;
    this.#batchMax = positive('batchMax', options.batchMax ?? BATCH_ENTRIES_MAX_DEFAULT);
    this.#claimIdleMs = positive('claimIdleMs', options.claimIdleMs ?? CLAIM_IDLE_MS_DEFAULT);
    this.#idleWaitMs = positive('idleWaitMs', options.idleWaitMs ?? IDLE_WAIT_MS_DEFAULT);
    this.#eventsRefreshMs = positive('eventsRefreshMs', options.eventsRefreshMs ?? EVENTS_REFRESH_MS_DEFAULT);
    this.#trimIntervalMs = positive('trimIntervalMs', options.trimIntervalMs ?? TRIM_INTERVAL_MS_DEFAULT);
    this.#trimMarginMs = options.trimMarginMs;
    this.#gatherWaitMs = options.gatherWaitMs ?? GATHER_WAIT_MS_DEFAULT;
    this.#clock = options.clock ?? Date.now;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#reader = new BatchReader(options.redis, options.consumer, this.#claimIdleMs);
    this.#commit = new BatchCommit({
      redis: options.redis,
      store: options.store,
      consumer: options.consumer,
      maxDeliveries: positive('maxDeliveries', options.maxDeliveries ?? MAX_DELIVERIES_DEFAULT),
      metrics: options.metrics,
      logger: options.logger,
      clock: this.#clock,
      sleep: (ms) => this.#pause.sleep(ms),
      stopping: () => this.#stopping,
      acknowledged: (eventId) => this.#toTrim.add(eventId),
    });
  }

  /** Runs batches until stop(); resolves when the loop has ended. */
  start(): Promise<void> {
    if (this.#loop !== undefined) throw new Error('The projector is running already.');
    this.#stopping = false;
    this.#loop = this.#run();
    return this.#loop;
  }

  /** Lets the batch in hand finish (commit and acknowledge), then ends the loop. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#pause.wake();
    await this.#loop;
    this.#loop = undefined;
  }

  /**
   * One round: claim stale entries when due, read new ones, commit them as one batch, trim when due.
   * Resolves with the number of entries taken from the streams (0: nothing to do).
   */
  async runOnce(): Promise<number> {
    const nowMs = this.#clock();
    if (nowMs - this.#eventsReadAtMs >= this.#eventsRefreshMs) await this.#refreshEvents();
    const batch: StreamEntry[] = [];
    if (this.#reader.claimUnfinished || nowMs - this.#claimedAtMs >= this.#claimIdleMs / 2) {
      this.#claimedAtMs = nowMs;
      batch.push(...(await this.#reader.claimStale(this.#eventIds, this.#batchMax)));
    }
    batch.push(...(await this.#reader.readNew(this.#eventIds, this.#batchMax - batch.length)));
    if (batch.length > 0) await this.#commit.commit(batch);
    // Nothing left to read: the store has caught up with the log, as far as this worker can see.
    else this.#metrics?.lag(0);
    if (this.#clock() - this.#trimmedAtMs >= this.#trimIntervalMs) await this.#trim();
    return batch.length;
  }

  /**
   * Runs rounds until no entry of any event is left unacknowledged, then trims; for tests and tools (not
   * while start() runs). Rejects when entries are left after timeoutMs.
   */
  async drain(timeoutMs: number): Promise<number> {
    const deadlineMs = this.#clock() + timeoutMs;
    this.#eventsReadAtMs = Number.NEGATIVE_INFINITY;
    let taken = 0;
    for (;;) {
      const round = await this.runOnce();
      taken += round;
      if (round === 0) {
        const left = await this.unprojected();
        if (left === 0) break;
        if (this.#clock() > deadlineMs)
          throw new Error(`${left} log entries are still unprojected after ${timeoutMs} ms.`);
        await this.#pause.sleep(this.#idleWaitMs);
      }
    }
    await this.#trim();
    return taken;
  }

  /** Entries of all known events not yet acknowledged by the group. */
  async unprojected(): Promise<number> {
    const counts = await Promise.all(this.#eventIds.map((eventId) => unprojected(this.#redis, eventId)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async #run(): Promise<void> {
    const outage = new OutageLog(this.#logger, 'A projector round', this.#clock);
    const backoff = new Backoff(ROUND_RETRY_MS_MIN, ROUND_RETRY_MS_MAX);
    let idleMs = 0;
    while (!this.#stopping) {
      let taken: number;
      try {
        taken = await this.runOnce();
        outage.recovered();
        backoff.reset();
      } catch (error) {
        outage.failed(error);
        await this.#pause.sleep(backoff.nextMs());
        continue;
      }
      // Idle waits double from 1 ms up to idleWaitMs: prompt after a burst, cheap when quiet.
      idleMs = taken > 0 ? 0 : Math.min(Math.max(1, idleMs * 2), this.#idleWaitMs);
      if (idleMs > 0) await this.#pause.sleep(idleMs);
      else if (taken < this.#batchMax * SMALL_BATCH_SHARE && this.#gatherWaitMs > 0)
        await this.#pause.sleep(this.#gatherWaitMs);
    }
  }

  async #refreshEvents(): Promise<void> {
    const eventIds = (await this.#redis.smembers(EVENTS_KEY)).sort();
    const fresh = eventIds.filter((eventId) => !this.#grouped.has(eventId));
    await inGroups(fresh, async (eventId) => {
      await ensureGroup(this.#redis, eventId);
      this.#grouped.add(eventId);
    });
    this.#eventIds = eventIds;
    this.#eventsReadAtMs = this.#clock();
  }

  async #trim(): Promise<void> {
    this.#trimmedAtMs = this.#clock();
    const eventIds = [...this.#toTrim];
    this.#toTrim.clear();
    await inGroups(eventIds, (eventId) => trimAcknowledged(this.#redis, eventId, this.#trimMarginMs));
  }
}

async function inGroups(
  eventIds: readonly string[],
  work: (eventId: string) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < eventIds.length; start += STREAM_COMMANDS_CONCURRENT)
    await Promise.all(eventIds.slice(start, start + STREAM_COMMANDS_CONCURRENT).map(work));
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number.`);
  return value;
}
