// The projector: reads the log as a member of a consumer group (`projectors` by default), projects each batch
// into the store in one transaction, acknowledges it, takes over entries a dead member left pending, moves
// poison entries to the dead letters and trims what every group is done with. It sees only the Log and Store
// ports, so the same projector runs in both shapes (the distributed worker and API process over Redis
// streams; the embedded shape over its log file, on the requests' thread or its own). What a shape needs
// besides are options: the `projected` hook (the distributed gate's records of ended holds), `onProjected`
// (the embedded watermark that reads wait for), wake() on each durable batch instead of idle polling,
// exclusive() (the embedded audit's window), and `claims: false` for a group with one member. Any number of
// workers share a group; the projection is idempotent and commutative per hold (store/projection.ts), so
// redelivered or reordered entries change nothing.
import { type Log, type LogConsumer, type LogRecord, PROJECTION_GROUP } from '../log/log.js';
import type { ProjectorMetrics } from '../metrics/projector-metrics.js';
import type { Store } from '../store/store.js';
import { BatchCommit, type ProjectedHook } from './batch-commit.js';
import { CommitWindow } from './commit-window.js';
import { OutageLog, type ProjectorLogger } from './outage-log.js';
import { Backoff, Pause } from './pause.js';

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
/**
 * Lanes of the distributed projectors (BOXOFFICE_PROJECTOR_LANES): the worker prepares batches while
 * PostgreSQL writes others. On two cores three drained fastest, four no faster (docs/benchmarks.md, drain).
 */
export const DISTRIBUTED_LANES_DEFAULT = 3;
/** How often streams with newly acknowledged entries are trimmed. */
export const TRIM_INTERVAL_MS_DEFAULT = 1_000;
/** First and longest wait after a round failed (the log unreachable). */
const ROUND_RETRY_MS_MIN = 100;
const ROUND_RETRY_MS_MAX = 5_000;

export interface ProjectorOptions {
  readonly log: Log;
  readonly store: Pick<Store, 'appendEntries' | 'ping'>;
  /** The consumer group read as (PROJECTION_GROUP unless a test says otherwise). */
  readonly group?: string;
  /** This worker's name in the group: unique among live workers (hostname and pid, say). */
  readonly consumer: string;
  /** Runs after the store has a batch, before it is acknowledged (see BatchCommit). */
  readonly projected?: ProjectedHook;
  readonly metrics?: ProjectorMetrics;
  readonly logger?: ProjectorLogger;
  readonly batchMax?: number;
  readonly claimIdleMs?: number;
  readonly maxDeliveries?: number;
  readonly idleWaitMs?: number;
  readonly trimIntervalMs?: number;
  /** Wait after a small batch, to gather a fuller one (0: read again at once). */
  readonly gatherWaitMs?: number;
  readonly clock?: () => number;
  /** Told how many records left the group (acknowledged or dead-lettered) after each step. */
  readonly onProjected?: (count: number) => void;
  /**
   * false: never claim stale entries, for a group whose one member is fed its log in order (embedded); a
   * record that fails alone is then tried again in place, with backoff, until maxDeliveries. Default true.
   */
  readonly claims?: boolean;
  /**
   * Batches in flight at once (default 1): each lane reads a batch and commits it while the others do the
   * same, so that this process prepares one batch while the store writes another. Safe because batches
   * commute (store/projection.ts), as they do between workers. Only with claims: a member fed in order
   * (claims false) keeps one lane.
   */
  readonly lanes?: number;
}

export class Projector {
  readonly #log: Log;
  readonly #group: string;
  readonly #batchMax: number;
  readonly #claimIdleMs: number;
  readonly #idleWaitMs: number;
  readonly #trimIntervalMs: number;
  readonly #gatherWaitMs: number;
  readonly #clock: () => number;
  readonly #logger: ProjectorLogger | undefined;
  readonly #metrics: ProjectorMetrics | undefined;
  readonly #consumer: LogConsumer;
  readonly #commit: BatchCommit;
  readonly #pause = new Pause();
  /** Idle waits, which wake() cuts short (backoff waits are not). */
  readonly #idle = new Pause();
  readonly #claims: boolean;
  /** wake() was called since the current round began: skip the idle wait after it. */
  #woken = false;
  readonly #window = new CommitWindow();
  readonly #lanes: number;
  /** The last claim filled its whole budget: more stale entries may wait, so claim again next round. */
  #claimUnfinished = false;
  #claimedAtMs = Number.NEGATIVE_INFINITY;
  #trimmedAtMs = Number.NEGATIVE_INFINITY;
  #stopping = false;
  #loop: Promise<void> | undefined;

  constructor(options: ProjectorOptions) {
    this.#log = options.log;
    this.#group = options.group ?? PROJECTION_GROUP;
    this.#batchMax = positive('batchMax', options.batchMax ?? BATCH_ENTRIES_MAX_DEFAULT);
    this.#claimIdleMs = positive('claimIdleMs', options.claimIdleMs ?? CLAIM_IDLE_MS_DEFAULT);
    this.#idleWaitMs = positive('idleWaitMs', options.idleWaitMs ?? IDLE_WAIT_MS_DEFAULT);
    this.#trimIntervalMs = notNegative('trimIntervalMs', options.trimIntervalMs ?? TRIM_INTERVAL_MS_DEFAULT);
    this.#claims = options.claims ?? true;
    this.#lanes = positive('lanes', options.lanes ?? 1);
    if (!this.#claims && this.#lanes > 1)
      throw new RangeError('A projector that does not claim has one lane.');
    this.#gatherWaitMs = options.gatherWaitMs ?? GATHER_WAIT_MS_DEFAULT;
    this.#clock = options.clock ?? Date.now;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#consumer = options.log.consumer(this.#group, options.consumer);
    this.#commit = new BatchCommit({
      consumer: this.#consumer,
      store: options.store,
      maxDeliveries: positive('maxDeliveries', options.maxDeliveries ?? MAX_DELIVERIES_DEFAULT),
      metrics: options.metrics,
      logger: options.logger,
      clock: this.#clock,
      sleep: (ms) => this.#pause.sleep(ms),
      stopping: () => this.#stopping,
      projected: options.projected,
      finished: options.onProjected,
      inWindow: (work) => this.#window.shared(work),
      retryInPlace: !this.#claims,
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
    this.#idle.wake();
    await this.#loop;
    this.#loop = undefined;
  }

  /** New entries are in the log (a durable batch): read at once instead of after the idle wait. */
  wake(): void {
    this.#woken = true;
    this.#idle.wake();
  }

  /** Runs work while no batch is being committed and acknowledged (the audit's window over log and store). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.#window.exclusive(work);
  }

  /**
   * Projects what the group has never been delivered, batch by batch, until nothing is left (the embedded
   * start's replay of the unprojected tail, before the gate is rebuilt from the store); then trims. A store
   * outage rejects instead of being waited out (StoreOutage): the start fails and says why. Not while
   * start() runs. Resolves with the number of entries projected.
   */
  async catchUp(): Promise<number> {
    let taken = 0;
    for (;;) {
      const batch = await this.#consumer.readNew(this.#batchMax);
      if (batch.length === 0) break;
      await this.#commit.commit(batch, false);
      taken += batch.length;
    }
    await this.#trim();
    return taken;
  }

  /**
   * One round: claim stale entries when due, read new ones, commit them as one batch, trim when due.
   * Resolves with the number of entries taken from the log (0: nothing to do).
   */
  async runOnce(): Promise<number> {
    this.#woken = false;
    const nowMs = this.#clock();
    const batch: LogRecord[] = [];
    if (this.#claims && (this.#claimUnfinished || nowMs - this.#claimedAtMs >= this.#claimIdleMs / 2)) {
      this.#claimedAtMs = nowMs;
      const claimed = await this.#consumer.claimStale(this.#claimIdleMs, this.#batchMax);
      this.#claimUnfinished = claimed.length >= this.#batchMax;
      batch.push(...claimed);
    }
    if (batch.length < this.#batchMax)
      batch.push(...(await this.#consumer.readNew(this.#batchMax - batch.length)));
    if (batch.length > 0) await this.#commit.commit(batch);
    // Nothing left to read: the store has caught up with the log, as far as this worker can see.
    else this.#metrics?.lag(0);
    if (this.#clock() - this.#trimmedAtMs >= this.#trimIntervalMs) await this.#trim();
    return batch.length;
  }

  /**
   * Runs rounds, in every lane, until no entry of any event is left unacknowledged, then trims; for tests and
   * tools (not while start() runs). Rejects when entries are left after timeoutMs.
   */
  async drain(timeoutMs: number): Promise<number> {
    const deadlineMs = this.#clock() + timeoutMs;
    let taken = 0;
    for (;;) {
      const lanes = await Promise.all(Array.from({ length: this.#lanes }, () => this.#roundsUntilEmpty()));
      taken += lanes.reduce((sum, n) => sum + n, 0);
      const left = await this.unprojected();
      if (left === 0) break;
      if (this.#clock() > deadlineMs)
        throw new Error(`${left} log entries are still unprojected after ${timeoutMs} ms.`);
      await this.#pause.sleep(this.#idleWaitMs);
    }
    await this.#trim();
    return taken;
  }

  async #roundsUntilEmpty(): Promise<number> {
    let taken = 0;
    for (let round = await this.runOnce(); round > 0; round = await this.runOnce()) taken += round;
    return taken;
  }

  /** Entries not yet acknowledged by the group: pending with some member, or never delivered. */
  async unprojected(): Promise<number> {
    const position = (await this.#log.positions()).find((at) => at.group === this.#group);
    return position === undefined ? 0 : position.pending + position.lag;
  }

  async #run(): Promise<void> {
    await Promise.all(Array.from({ length: this.#lanes }, () => this.#lane()));
  }

  async #lane(): Promise<void> {
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
      if (idleMs > 0) {
        if (!this.#woken) await this.#idle.sleep(idleMs);
      } else if (taken < this.#batchMax * SMALL_BATCH_SHARE && this.#gatherWaitMs > 0)
        await this.#pause.sleep(this.#gatherWaitMs);
      // Requests that arrived during the batch go first (the projection may share their thread).
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async #trim(): Promise<void> {
    this.#trimmedAtMs = this.#clock();
    await this.#log.trim();
  }
}

function notNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must not be negative.`);
  return value;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number.`);
  return value;
}
