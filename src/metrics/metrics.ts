// Prometheus metrics. One registry per app instance (tests build many apps in one process).
//
// Hot-path note: prom-client hashes the label object on every observe()/inc(). Request and gate call
// durations go to a FixedHistogram (see there why: measured 10 ns per observation against 370 ns for a
// cached prom-client child); counters keep prom-client with their labelled children cached here.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { CommitObserver } from '../journal/group-commit.js';
import { FixedHistogram } from './fixed-histogram.js';

export interface Metrics {
  readonly registry: Registry;
  /** Records one request's duration; call once per route at registration, then per request. */
  requestRecorder(method: string, route: string): (status: number, elapsedMs: number) => void;
  /** Counts holds, orders, confirms, releases and expiries by outcome (`ok` or an error code). */
  countOperation(operation: string, outcome: string, count?: number): void;
  readonly commits: CommitObserver;
  /** Records one gate call's duration in seconds; ask once per operation (a Gate method name), then per call. */
  gateCallRecorder(operation: string): (seconds: number) => void;
}

/** From a memory gate's microseconds to a Redis round trip under load. */
const GATE_CALL_BUCKETS_SECONDS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'boxoffice_' });
  const requestDuration = new FixedHistogram({
    name: 'boxoffice_http_request_duration_seconds',
    help: 'HTTP request duration by route and status.',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registry,
  });
  // Counted in plain numbers and handed to prom-client at each scrape: its inc hashes the labels on every
  // call, a cost every request paid (docs/benchmarks.md, the refusal path).
  const operationCounts = new Map<
    string,
    { labels: { operation: string; outcome: string }; count: number }
  >();
  const operations = new Counter({
    name: 'boxoffice_operations_total',
    help: 'Reservation operations (hold, order, confirm, release, expire, cancel) by outcome: ok or an error code.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
    collect() {
      for (const entry of operationCounts.values()) {
        if (entry.count === 0) continue;
        this.inc(entry.labels, entry.count);
        entry.count = 0;
      }
    },
  });
  const gateCallDuration = new FixedHistogram({
    name: 'boxoffice_gate_call_duration_seconds',
    help: 'Duration of one gate call (the decision, not its durability) by Gate method.',
    buckets: GATE_CALL_BUCKETS_SECONDS,
    registry,
  });
  // One series per operation even if asked twice (two instrumented gates would otherwise emit duplicates).
  const gateCallRecorders = new Map<string, (seconds: number) => void>();
  return {
    registry,
    requestRecorder(method, route) {
      const byStatus = new Map<number, (seconds: number) => void>();
      return (status, elapsedMs) => {
        let record = byStatus.get(status);
        if (record === undefined) {
          record = requestDuration.recorder({ method, route, status: String(status) });
          byStatus.set(status, record);
        }
        record(elapsedMs / 1000);
      };
    },
    countOperation(operation, outcome, count = 1) {
      const key = `${operation} ${outcome}`;
      let entry = operationCounts.get(key);
      if (entry === undefined) {
        entry = { labels: { operation, outcome }, count: 0 };
        operationCounts.set(key, entry);
        operations.inc(entry.labels, 0); // the series shows from its first count on, as before
      }
      entry.count += count;
    },
    commits: commitMetrics(registry),
    gateCallRecorder(operation) {
      let record = gateCallRecorders.get(operation);
      if (record === undefined) {
        record = gateCallDuration.recorder({ operation });
        gateCallRecorders.set(operation, record);
      }
      return record;
    },
  };
}

function commitMetrics(registry: Registry): CommitObserver {
  const batchEntries = new Histogram({
    name: 'boxoffice_commit_batch_entries',
    help: 'Log entries per group commit.',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    registers: [registry],
  });
  const commitDuration = new Histogram({
    name: 'boxoffice_commit_duration_seconds',
    help: 'Duration of one group commit transaction.',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const commitFailures = new Counter({
    name: 'boxoffice_commit_failed_entries_total',
    help: 'Log entries whose commit failed and that were undone in the gate.',
    registers: [registry],
  });
  return {
    committed(entries, seconds) {
      batchEntries.observe(entries);
      commitDuration.observe(seconds);
    },
    failed(entries) {
      commitFailures.inc(entries);
    },
  };
}
