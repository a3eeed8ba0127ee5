// How fast one projector worker drains a backlog into PostgreSQL (distributed shape), measured in the bench's
// run on the same services: the worker is stopped, holds are accepted for --duration seconds so that their
// log entries pile up in Redis, then a fresh worker is started and timed until no entry is unacknowledged.
// The API is idle meanwhile, so this is the projector's capacity, not its pace under load.

import { type Child, waitUntilReady } from '../harness/processes.js';
import { clockTicksPerSecond, ticksByPid, ticksSince } from './proc.js';
import { type BatchFigures, batchesBetween, type LogBacklog, readWorker } from './projector-probe.js';
import { requestsPerSecond, socketErrors, type WrkOutcome } from './wrk.js';

/** Far above any backlog a run builds at the drain target (600 s of load at 50,000/s would take 600 s). */
const DRAIN_TIMEOUT_MS = 600_000;

export interface RunningWorker {
  readonly child: Child;
  /** http://127.0.0.1:<port>: /healthz and /metrics. */
  readonly baseUrl: string;
}

export interface BacklogDrainServices {
  readonly backlog: LogBacklog;
  stopWorker(): Promise<string[]>;
  startWorker(): Promise<RunningWorker>;
  /** Accepted holds for this long, with the bench's wrk load. */
  load(durationSeconds: number): Promise<WrkOutcome>;
  readonly redisPid: number;
  postgresPids(): Promise<number[]>;
}

export interface ProjectorBacklogDrain extends BatchFigures {
  readonly loadSeconds: number;
  /** Holds accepted per second while no worker ran: the API without the projector's competition for CPU. */
  readonly loadRequestsPerSecond: number;
  readonly backlogEntries: number;
  /** Entries still unacknowledged at the first poll that saw the worker at work: the timed part. */
  readonly timedEntries: number | undefined;
  readonly drainSeconds: number | undefined;
  readonly entriesPerSecond: number | undefined;
  /** CPU per entry drained, in µs, from the worker's readiness to the end of the drain. */
  readonly cpuMicrosecondsPerEntry:
    | { readonly worker: number; readonly redis: number; readonly postgres: number }
    | undefined;
}

export async function measureBacklogDrain(
  services: BacklogDrainServices,
  durationSeconds: number,
): Promise<{ drain: ProjectorBacklogDrain | undefined; problems: string[] }> {
  const problems = await services.stopWorker();
  const loaded = await services.load(durationSeconds);
  const errors = socketErrors(loaded.result);
  if (errors > 0 || loaded.result.non2xx > 0) {
    problems.push(`backlog load: ${loaded.result.non2xx} non-2xx responses, ${errors} socket errors`);
  }
  const backlogEntries = await services.backlog.count();
  const worker = await services.startWorker();
  await waitUntilReady(worker.child, worker.baseUrl);
  const before = await readWorker(`${worker.baseUrl}/metrics`);
  // The worker's start-up is behind it: its CPU from here on is the drain's.
  const postgresPids = await services.postgresPids();
  const ticksBefore = [[worker.child.pid], [services.redisPid], postgresPids].map((pids) => ticksByPid(pids));
  const timed = await services.backlog.timeDrain(backlogEntries, DRAIN_TIMEOUT_MS, () => worker.child.alive);
  const [workerTicks, redisTicks, postgresTicks] = ticksBefore.map((before) => ticksSince(before));
  const after = await readWorker(`${worker.baseUrl}/metrics`);
  if (timed === undefined) problems.push(`the backlog of ${backlogEntries} entries did not drain`);
  const drained = after.entries - before.entries;
  const perEntry = (ticks: number) => (ticks / clockTicksPerSecond / drained) * 1e6;
  return {
    drain: {
      loadSeconds: durationSeconds,
      loadRequestsPerSecond: requestsPerSecond(loaded.result),
      backlogEntries,
      timedEntries: timed?.entries,
      drainSeconds: timed?.seconds,
      entriesPerSecond: timed === undefined ? undefined : timed.entries / timed.seconds,
      cpuMicrosecondsPerEntry:
        drained > 0
          ? {
              worker: perEntry(workerTicks ?? 0),
              redis: perEntry(redisTicks ?? 0),
              postgres: perEntry(postgresTicks ?? 0),
            }
          : undefined,
      ...batchesBetween(before, after),
    },
    problems,
  };
}
