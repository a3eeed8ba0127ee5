// Prometheus metrics. One registry per app instance (tests build many apps in one process).
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { CommitObserver } from '../journal/group-commit.js';

export type Outcome = string;

export interface Metrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  /** holds, orders, confirms, releases and expiries, by outcome (`ok` or an error code). */
  readonly operations: Counter<'operation' | 'outcome'>;
  readonly commits: CommitObserver;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'boxoffice_process_' });
  const requestDuration = new Histogram({
    name: 'boxoffice_http_request_duration_seconds',
    help: 'HTTP request duration by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const operations = new Counter({
    name: 'boxoffice_operations_total',
    help: 'Reservation operations (hold, order, confirm, release, expire) by outcome: ok or an error code.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
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
    registry,
    requestDuration,
    operations,
    commits: {
      committed(entries, seconds) {
        batchEntries.observe(entries);
        commitDuration.observe(seconds);
      },
      failed(entries) {
        commitFailures.inc(entries);
      },
    },
  };
}
