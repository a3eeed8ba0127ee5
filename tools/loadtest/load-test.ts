// `boxoffice bench <contention|pool-rush|seat-rush|mix|queue>`: load an event the way an on-sale does, then read
// its audit and check the client's own tally; pass only when both say nothing was oversold or double-booked.
// Steps: target server → event → scenario driven by the runner → audit → verdict → reports.
import { randomBytes } from 'node:crypto';
import { UsageError } from '../bench/options.js';
import { BENCH_USAGE } from '../bench/usage.js';
import { cleanUpEverything } from '../harness/processes.js';
import { Actions } from './actions.js';
import { createEvent, readAudit, readEvent } from './admin.js';
import { createdLayout, type EventLayout } from './event-layout.js';
import { HttpTarget } from './http-target.js';
import { type LoadTestOptions, parseLoadTestArgs, type ScenarioName } from './options.js';
import { Progress, type ProgressStream } from './progress.js';
import { checkAdmissions } from './queue/admission-check.js';
import { passMinutesOf, queueDefinition, queueSummary } from './queue/queue-event.js';
import { driveQueue, type QueueRun } from './queue/queue-run.js';
import { type Recorded, Recorder } from './recorder.js';
import { eventSummary, type LoadTestReport, reportedOptions } from './report.js';
import { drive, type RunEnd, type StopReason } from './runner.js';
import { createScenario } from './scenarios/create-scenario.js';
import { SetupError } from './setup-error.js';
import { summaryMarkdown } from './summary.js';
import { Tally } from './tally.js';
import { checkTally } from './tally-check.js';
import { openTarget, type TargetServer } from './target-server.js';
import { auditProblems, verdictOf } from './verdict.js';
import { writeReports } from './write-reports.js';

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** The shell's convention for "ended by SIGINT". */
const EXIT_INTERRUPTED = 130;

export interface LoadTestIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
  /** The process environment, given by the command line: BOXOFFICE_ADMIN_TOKEN is read from it, and the
   *  private server inherits it without the server settings. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export async function runLoadTest(
  scenario: ScenarioName,
  args: readonly string[],
  io: LoadTestIo,
): Promise<number> {
  let options: LoadTestOptions | 'help';
  try {
    options = parseLoadTestArgs(scenario, args, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${error.message}\n\n${BENCH_USAGE}`);
    return EXIT_USAGE;
  }
  if (options === 'help') {
    io.stdout.write(BENCH_USAGE);
    return EXIT_PASSED;
  }
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) {
      // A second Ctrl-C: leave at once, and take the private server down with us.
      cleanUpEverything();
      process.exit(EXIT_INTERRUPTED);
    }
    log('\nstopping: flows in flight finish, then the audit runs (Ctrl-C again to quit at once)');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await runWithServer(options, interrupt.signal, io);
    publish(report, options, io);
    return report.verdict.passed ? EXIT_PASSED : EXIT_FAILED;
  } catch (error) {
    if (error instanceof UsageError) {
      log(`bench: ${error.message}`);
      return EXIT_USAGE;
    }
    log(`bench: ${describeFailure(error)}`);
    return EXIT_FAILED;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runWithServer(options: LoadTestOptions, interrupted: AbortSignal, io: LoadTestIo) {
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const server = await openTarget(options.url, options.adminToken, options.port, io.env, log);
  const target = new HttpTarget(server.baseUrl, options.connections);
  try {
    return await loadAndJudge(options, server, target, interrupted, io);
  } finally {
    await server.stop();
    await target.close();
  }
}

async function loadAndJudge(
  options: LoadTestOptions,
  server: TargetServer,
  target: HttpTarget,
  interrupted: AbortSignal,
  io: LoadTestIo,
): Promise<LoadTestReport> {
  const runTag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const layout = options.eventId
    ? await readEvent(target, options.eventId)
    : createdLayout(
        `lt-${options.scenario}-${runTag}`,
        options.seats,
        options.capacity,
        options.holdTtlSeconds,
      );
  const actionsOf = (recorder: Recorder, tally: Tally, signal: AbortSignal) =>
    new Actions(target, recorder, tally, layout.eventId, signal);
  let load: Load;
  let queueRun: QueueRun | undefined;
  if (options.scenario === 'queue') {
    const queue = queueDefinition(options, Date.now());
    await createEvent(target, server.adminToken, layout, options.scenario, { queue: queue.body });
    const plan = {
      buyers: options.users,
      poolId: layout.pools[0]?.id ?? '',
      layout,
      startAtMs: performance.now() + queue.startInMs,
      durationMs: options.durationSeconds * 1000,
      requestsMax: options.requestsMax,
      seed: options.seed,
    };
    load = async (actionsFor) => {
      queueRun = await driveQueue(actionsFor, plan, interrupted);
      return queueRun.end;
    };
  } else {
    const scenario = createScenario(options, layout, { seed: options.seed, users: options.users, runTag });
    if (layout.created) await createEvent(target, server.adminToken, layout, options.scenario);
    const bounds = {
      connections: options.connections,
      requestsMax: options.requestsMax,
      durationMs: options.durationSeconds * 1000,
    };
    load = (actionsFor) => drive(scenario, actionsFor, bounds, interrupted);
  }
  const startedAt = new Date().toISOString();
  const measured = await measure(options, load, new Tally(), actionsOf, io);
  const audit = await readAudit(target, server.adminToken, layout.eventId);
  // Stopped before judging: a private server that crashes or fails to stop cleanly fails the run.
  const serverProblems = await server.stop();
  const report = assembleReport({ ...measured, options, server, layout, startedAt, audit, serverProblems });
  return queueRun === undefined ? report : withQueueFindings(report, queueRun, options);
}

/** The queue scenario's report: the admission rules checked over what the buyers saw. */
function withQueueFindings(report: LoadTestReport, run: QueueRun, options: LoadTestOptions): LoadTestReport {
  const rules = { maxActive: options.queue.maxActive, passMinutes: passMinutesOf(options) };
  const findings = checkAdmissions(run.observations, rules);
  const problems = [...report.verdict.problems, ...findings.problems];
  return {
    ...report,
    queue: queueSummary(run, findings, options),
    verdict: { passed: problems.length === 0, problems },
  };
}

/** Drives the load with the actions it is given; resolves to how it ended. */
type Load = (actionsFor: (signal: AbortSignal) => Actions) => Promise<RunEnd>;

/** The load itself, with the progress line running while it lasts. */
async function measure(
  options: LoadTestOptions,
  load: Load,
  tally: Tally,
  actionsOf: (recorder: Recorder, tally: Tally, signal: AbortSignal) => Actions,
  io: LoadTestIo,
): Promise<Pick<RunFacts, 'end' | 'recorded' | 'tally' | 'elapsedMs'>> {
  const startMs = performance.now();
  const recorder = new Recorder(startMs);
  const durationMs = options.durationSeconds * 1000;
  const progress = new Progress(io.stderr, () => ({
    label: options.scenario,
    totals: recorder.totals,
    elapsedMs: performance.now() - startMs,
    requestsMax: options.requestsMax,
    durationMs,
  }));
  progress.start();
  try {
    const end = await load((signal) => actionsOf(recorder, tally, signal));
    const endMs = performance.now();
    return { end, recorded: recorder.finish(endMs), tally, elapsedMs: endMs - startMs };
  } finally {
    progress.stop();
  }
}

interface RunFacts {
  readonly options: LoadTestOptions;
  readonly server: TargetServer;
  readonly layout: EventLayout;
  readonly startedAt: string;
  readonly elapsedMs: number;
  readonly end: RunEnd;
  readonly recorded: Recorded;
  readonly tally: Tally;
  readonly audit: { audit: unknown } | { failure: string };
  readonly serverProblems: readonly string[];
}

function assembleReport(facts: RunFacts): LoadTestReport {
  const { options, server, layout, recorded, audit } = facts;
  const elapsedSeconds = facts.elapsedMs / 1000;
  const checked = checkTally(facts.tally, layout);
  return {
    tool: 'boxoffice bench',
    scenario: options.scenario,
    startedAt: facts.startedAt,
    elapsedSeconds,
    stopReason: facts.end.stopReason,
    flows: facts.end.flows,
    options: reportedOptions(options),
    target: { url: server.baseUrl, private: server.private },
    event: eventSummary(layout),
    ...recorded,
    throughputPerSecond: elapsedSeconds > 0 ? recorded.totals.requests / elapsedSeconds : 0,
    tally: checked.summary,
    audit: 'audit' in audit ? audit.audit : null,
    verdict: verdictOf({
      run: [...runProblems(recorded, layout, facts.end.stopReason), ...facts.serverProblems],
      tally: checked.problems,
      audit: 'audit' in audit ? auditProblems(audit.audit) : [audit.failure],
    }),
  };
}

function runProblems(recorded: Recorded, layout: EventLayout, stopReason: StopReason): string[] {
  const problems: string[] = [];
  if (recorded.totals.requests === 0) {
    const why =
      stopReason === 'interrupted' ? 'interrupted before the first answer' : 'no request was answered';
    problems.push(`${why} (event ${layout.eventId})`);
  }
  if (recorded.totals.errors > 0) {
    const which = Object.entries(recorded.errors).map(([key, count]) => `${key} ×${count}`);
    problems.push(`${recorded.totals.errors} requests failed: ${which.join(', ')}`);
  }
  return problems;
}

/** A set-up that failed (no server, no event) is told by its message; anything else is a fault, with its stack. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error instanceof SetupError ? error.message : (error.stack ?? error.message);
}

function publish(report: LoadTestReport, options: LoadTestOptions, io: LoadTestIo): void {
  if (options.outDir !== undefined) {
    for (const path of writeReports(report, options.outDir, options.chart))
      io.stderr.write(`wrote ${path}\n`);
  }
  io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : summaryMarkdown(report));
}
