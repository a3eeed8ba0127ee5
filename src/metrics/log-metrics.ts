// Metrics of the embedded shape's log file and its projection into the store.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface LogMetricsSource {
  /** Bytes cut off the log's last segment at this start (a torn write); 0 when none. */
  readonly tailCutBytes: number;
  readonly projection: { lag(): number };
  /** The log's size on disk, when it is a file. */
  readonly diskBytes?: () => number;
}

export function registerLogMetrics(registry: Registry, source: LogMetricsSource): void {
  const cut = new Counter({
    name: 'boxoffice_log_torn_tail_bytes_total',
    help: 'Bytes of a torn write cut off the end of the log file at start (never acknowledged work).',
    registers: [registry],
  });
  cut.inc(source.tailCutBytes);
  new Gauge({
    name: 'boxoffice_log_unprojected_entries',
    help: 'Log entries durable in the log file but not yet applied to the store (embedded projection).',
    registers: [registry],
    collect() {
      this.set(source.projection.lag());
    },
  });
  const diskBytes = source.diskBytes;
  if (diskBytes !== undefined)
    new Gauge({
      name: 'boxoffice_log_bytes',
      help: 'Size of the log file on disk (bounded by BOXOFFICE_LOG_MAX_BYTES).',
      registers: [registry],
      collect() {
        this.set(diskBytes());
      },
    });
}
