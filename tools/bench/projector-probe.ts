// What the bench reads of the projector (distributed shape): the entries of the bench events' log streams
// that no worker has acknowledged yet, counted as the audit counts them (XINFO GROUPS: pending + lag), and
// the worker's own /metrics (entries projected, batches, the lag gauge).
import { Redis } from 'ioredis';
import { unacknowledgedCount as unprojected } from '../../src/log/redis/unacknowledged.js';
import { parseMetrics } from './server-metrics.js';

/** A count is one XINFO GROUPS per event: cheap for Redis, and fine-grained enough to time a drain. */
const DRAIN_POLL_MS = 10;
const METRICS_TIMEOUT_MS = 5_000;

export interface WorkerReading {
  /** boxoffice_projector_entries_total: entries committed to PostgreSQL. */
  readonly entries: number;
  /** boxoffice_projector_lag_seconds: age of the oldest entry of the last committed batch (0 when idle). */
  readonly lagSeconds: number;
  readonly batches: number;
  /** Seconds spent in batch transactions, summed. */
  readonly batchSeconds: number;
}

export async function readWorker(metricsUrl: string): Promise<WorkerReading> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(METRICS_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET ${metricsUrl} answered ${response.status}.`);
  const values = new Map<string, number>();
  for (const sample of parseMetrics(await response.text())) values.set(sample.name, sample.value);
  return {
    entries: values.get('boxoffice_projector_entries_total') ?? 0,
    lagSeconds: values.get('boxoffice_projector_lag_seconds') ?? 0,
    batches: values.get('boxoffice_projector_batch_entries_count') ?? 0,
    batchSeconds: values.get('boxoffice_projector_batch_duration_seconds_sum') ?? 0,
  };
}

/** Batches between two readings: how many, their mean size and mean transaction time. */
export interface BatchFigures {
  readonly batches: number;
  readonly batchEntriesMean: number;
  readonly batchMsMean: number;
}

export function batchesBetween(before: WorkerReading, after: WorkerReading): BatchFigures {
  const batches = after.batches - before.batches;
  return {
    batches,
    batchEntriesMean: batches > 0 ? (after.entries - before.entries) / batches : 0,
    batchMsMean: batches > 0 ? (1000 * (after.batchSeconds - before.batchSeconds)) / batches : 0,
  };
}

/** A drain timed from the first entry acknowledged to the last. */
export interface TimedDrain {
  /** Unacknowledged entries when the first acknowledgement was seen. */
  readonly entries: number;
  readonly seconds: number;
}

/** The unacknowledged entries of some events' log streams, read over a connection of the bench's own. */
export class LogBacklog {
  readonly #redis: Redis;
  readonly #eventIds: readonly string[];

  constructor(redisUrl: string, eventIds: readonly string[]) {
    this.#redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectionName: 'boxoffice-bench' });
    this.#redis.on('error', () => {});
    this.#eventIds = eventIds;
  }

  async count(): Promise<number> {
    let total = 0;
    for (const eventId of this.#eventIds) total += await unprojected(this.#redis, eventId);
    return total;
  }

  /** Polls until no entry is left: the milliseconds that took, or undefined when timeoutMs passed first. */
  async waitUntilEmpty(timeoutMs: number): Promise<number | undefined> {
    const startedAt = performance.now();
    while (performance.now() - startedAt < timeoutMs) {
      if ((await this.count()) === 0) return performance.now() - startedAt;
      await sleep(DRAIN_POLL_MS);
    }
    return undefined;
  }

  /**
   * Times a worker draining the backlog: from the first poll that sees fewer entries than `backlog` (the
   * worker's start-up is not part of its drain rate) until none is left. Undefined when the worker died or
   * timeoutMs passed first.
   */
  async timeDrain(backlog: number, timeoutMs: number, alive: () => boolean): Promise<TimedDrain | undefined> {
    const deadline = performance.now() + timeoutMs;
    let first: { entries: number; atMs: number } | undefined;
    while (performance.now() < deadline && alive()) {
      const left = await this.count();
      const atMs = performance.now();
      if (first === undefined && left < backlog) first = { entries: left, atMs };
      if (left === 0 && first !== undefined) {
        // Seen empty at the first poll: the whole backlog went within one poll interval.
        const seconds = Math.max(atMs - first.atMs, DRAIN_POLL_MS) / 1000;
        return { entries: first.entries === 0 ? backlog : first.entries, seconds };
      }
      await sleep(DRAIN_POLL_MS);
    }
    return undefined;
  }

  close(): void {
    this.#redis.disconnect();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
