// Metrics of the projector workers (distributed shape). Names are fixed here: the dashboard queries them.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ProjectorMetrics {
  /** One batch committed to the store: its size and how long the transaction took. */
  committed(entries: number, seconds: number): void;
  /** Age of the oldest entry of the last batch when it was committed, in seconds. */
  lag(seconds: number): void;
  /** Entries moved to an event's dead-letter stream. */
  deadLettered(entries: number): void;
  /** A batch whose transaction failed (it is redelivered later). */
  failedBatch(): void;
  /**
   * Where to read the entries not yet projected, at scrape time: unlike the lag, which moves only when a
   * batch commits, this shows a projector that has stopped altogether.
   */
  watchBacklog(unprojected: () => Promise<number>): void;
}

export function createProjectorMetrics(registry: Registry): ProjectorMetrics {
  const batchEntries = new Histogram({
    name: 'boxoffice_projector_batch_entries',
    help: 'Log entries per projector batch (one transaction).',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2000],
    registers: [registry],
  });
  const batchDuration = new Histogram({
    name: 'boxoffice_projector_batch_duration_seconds',
    help: 'Duration of one projector batch transaction.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const entries = new Counter({
    name: 'boxoffice_projector_entries_total',
    help: 'Log entries projected into the store.',
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'boxoffice_projector_lag_seconds',
    help: 'Age of the oldest entry of the last committed batch: how far the store is behind the gate.',
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'boxoffice_projector_dead_letters_total',
    help: 'Log entries moved to a dead-letter stream after too many failed deliveries.',
    registers: [registry],
  });
  const failed = new Counter({
    name: 'boxoffice_projector_failed_batches_total',
    help: 'Projector batches whose transaction failed; their entries are delivered again.',
    registers: [registry],
  });
  let backlog: (() => Promise<number>) | undefined;
  new Gauge({
    name: 'boxoffice_projector_unprojected_entries',
    help: 'Log entries of all events not yet projected into the store (pending or undelivered), read at scrape time.',
    registers: [registry],
    async collect() {
      if (backlog === undefined) return;
      // Redis unreachable: the scrape still succeeds and the gauge keeps its last value.
      const value = await backlog().catch(() => undefined);
      if (value !== undefined) this.set(value);
    },
  });
  return {
    watchBacklog(unprojected) {
      backlog = unprojected;
    },
    committed(count, seconds) {
      batchEntries.observe(count);
      batchDuration.observe(seconds);
      entries.inc(count);
    },
    lag: (seconds) => lag.set(seconds),
    deadLettered: (count) => deadLetters.inc(count),
    failedBatch: () => failed.inc(),
  };
}
