// The projector while holds are accepted (distributed shape): how far PostgreSQL stays behind the gate
// during the measured run, and how long the tail takes to drain once the load stops. The probe waits after
// the warm-up until the warm-up's entries are projected, so the measured run starts with an empty backlog.
import {
  type BatchFigures,
  batchesBetween,
  type LogBacklog,
  readWorker,
  type WorkerReading,
} from './projector-probe.js';
import type { Companion, ScenarioProbe } from './scenario.js';

/** Four samples a second: fine enough to see a lag of 1 s build up, cheap for the worker to answer. */
const SAMPLE_INTERVAL_MS = 250;
/** --duration is at most 600 s; the watch stops by itself after this many samples in any case. */
const SAMPLES_MAX = 3_000;
/** The warm-up's tail, and the measured run's, must drain within this; longer is reported, not waited. */
const DRAIN_TIMEOUT_MS = 60_000;

export interface ProjectorUnderLoad extends BatchFigures {
  readonly measuredSeconds: number;
  /** Entries committed to PostgreSQL during the measured run, and per second. */
  readonly entriesProjected: number;
  readonly entriesPerSecond: number;
  /** Largest boxoffice_projector_lag_seconds of the samples taken during the measured run. */
  readonly lagSecondsMax: number;
  /** Largest count of unacknowledged entries of the same samples. */
  readonly backlogEntriesMax: number;
  readonly samples: number;
  /** Unacknowledged entries when the measured run ended. */
  readonly backlogAtEndEntries: number;
  /** From the end of the measured run until no entry was unacknowledged; undefined: not within 60 s. */
  readonly drainAfterRunMs: number | undefined;
}

export interface ProjectorUnderLoadProbe extends ScenarioProbe {
  /** Available once the measured run has ended. */
  readonly result: ProjectorUnderLoad | undefined;
}

interface Samples {
  count: number;
  lagSecondsMax: number;
  backlogEntriesMax: number;
  problems: string[];
}

export function projectorUnderLoadProbe(
  backlog: LogBacklog,
  workerMetricsUrl: () => string,
  companions: () => Promise<readonly Companion[]>,
): ProjectorUnderLoadProbe {
  let before: WorkerReading | undefined;
  let settledMs: number | undefined;
  let startedAt = 0;
  let watch: { stop: () => Promise<Samples> } | undefined;
  const probe: ProjectorUnderLoadProbe & { result: ProjectorUnderLoad | undefined } = {
    result: undefined,
    companions,
    async settle() {
      settledMs = await backlog.waitUntilEmpty(DRAIN_TIMEOUT_MS);
    },
    async measuring() {
      before = await readWorker(workerMetricsUrl());
      watch = startWatch(backlog, workerMetricsUrl());
      startedAt = performance.now();
    },
    async measured() {
      const measuredSeconds = (performance.now() - startedAt) / 1000;
      const samples = await (watch as { stop: () => Promise<Samples> }).stop();
      const atEnd = await readWorker(workerMetricsUrl());
      const backlogAtEndEntries = await backlog.count();
      const drainAfterRunMs = await backlog.waitUntilEmpty(DRAIN_TIMEOUT_MS);
      const start = before as WorkerReading;
      const entriesProjected = atEnd.entries - start.entries;
      probe.result = {
        measuredSeconds,
        entriesProjected,
        entriesPerSecond: entriesProjected / measuredSeconds,
        lagSecondsMax: samples.lagSecondsMax,
        backlogEntriesMax: samples.backlogEntriesMax,
        samples: samples.count,
        backlogAtEndEntries,
        drainAfterRunMs,
        ...batchesBetween(start, atEnd),
      };
      const problems = [...samples.problems];
      if (settledMs === undefined) {
        problems.push(`the warm-up's entries were not projected within ${DRAIN_TIMEOUT_MS / 1000} s`);
      }
      if (drainAfterRunMs === undefined) {
        problems.push(`the projector left entries unprojected ${DRAIN_TIMEOUT_MS / 1000} s after the run`);
      }
      return problems;
    },
  };
  return probe;
}

/** Samples the lag gauge and the backlog until stopped (or SAMPLES_MAX samples later). */
function startWatch(backlog: LogBacklog, metricsUrl: string): { stop: () => Promise<Samples> } {
  const samples: Samples = { count: 0, lagSecondsMax: 0, backlogEntriesMax: 0, problems: [] };
  let stopped = false;
  const loop = (async () => {
    for (let i = 0; i < SAMPLES_MAX && !stopped; i++) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_MS));
      if (stopped) break;
      try {
        const [reading, entries] = await Promise.all([readWorker(metricsUrl), backlog.count()]);
        samples.count++;
        samples.lagSecondsMax = Math.max(samples.lagSecondsMax, reading.lagSeconds);
        samples.backlogEntriesMax = Math.max(samples.backlogEntriesMax, entries);
      } catch (error) {
        samples.problems.push(`reading the projector failed: ${(error as Error).message}`);
        break;
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}
