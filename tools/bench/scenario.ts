// One scenario: warm up, then a measured wrk run, with the CPU split and the server's own count of what it
// answered taken around the measured run, and every way the run may have gone wrong named. A probe lets the
// shape under test settle after the warm-up and watch its own services during the measured run.

import type { ChildEnvironment } from '../harness/child-env.js';
import type { Child } from '../harness/processes.js';
import type { BenchOptions, Shape } from './options.js';
import {
  type CpuSplit,
  cpuSplit,
  type MachineTicks,
  machineTicks,
  processTicks,
  residentBytes,
  ticksBetween,
  ticksByPid,
  ticksSince,
} from './proc.js';
import { countsBetween, readServerCounts, type ServerCounts } from './server-metrics.js';
import { requestsPerSecond, runWrk, socketErrors, type WrkResult } from './wrk.js';

/** Processes the server depends on, whose CPU the split names: the distributed shape's services. */
export interface Companion {
  readonly name: string;
  readonly pids: readonly number[];
}

/** `-verified`: the same holds, each with a buyer token (`bench --auth verified`), judged against the open run. */
export type ScenarioName = 'ceiling' | 'accepted' | 'rejected' | 'accepted-verified' | 'rejected-verified';

/** What the shape under test does around a scenario's runs; every step is optional. */
export interface ScenarioProbe {
  /** After the warm-up, before the measured run: e.g. wait until the projector has caught up. */
  settle?(): Promise<void>;
  /** Read just before the measured run. */
  companions?(): Promise<readonly Companion[]>;
  /** The measured run starts now. */
  measuring?(): Promise<void>;
  /** The measured run has ended (its CPU readings are taken); problems found, if any. */
  measured?(): Promise<readonly string[]>;
}

export interface Scenario {
  readonly name: ScenarioName;
  /** The shape measured; for the ceiling, the shape whose ratios it is the denominator of. */
  readonly shape: Shape;
  readonly label: string;
  readonly server: Child;
  readonly baseUrl: string;
  readonly path: string;
  readonly poolId: string;
  /** `<sub> <token>` lines: a buyer token per request (see holds.lua). */
  readonly tokenFile?: string;
  /** For boxoffice: the only status and hold outcome its /metrics may show for this scenario. */
  readonly expected?: { readonly status: string; readonly outcome: string };
  /** wrk counts anything outside 200-399 as non-2xx: all of them for refusals, none otherwise. */
  readonly expectsNon2xx: boolean;
  readonly probe?: ScenarioProbe;
}

export interface ScenarioResult {
  readonly name: Scenario['name'];
  readonly shape: Shape;
  readonly label: string;
  readonly requestsPerSecond: number;
  readonly latencyMsP50: number;
  readonly latencyMsP99: number;
  readonly latencyMsMax: number;
  readonly wrk: WrkResult;
  readonly cpu: CpuSplit | undefined;
  readonly serverRssBytes: number | undefined;
  /** Server-side counts over warm-up and measured run together (boxoffice only). */
  readonly server: ServerCounts | undefined;
  /** What went wrong; empty when the run is valid. */
  readonly problems: readonly string[];
}

let runCounter = 0;

/** One wrk run of the scenario's request, each with a run tag of its own (so userIds never repeat). */
export function wrkRunOf(
  scenario: Pick<Scenario, 'name' | 'baseUrl' | 'path' | 'poolId' | 'tokenFile'>,
  options: BenchOptions,
  env: ChildEnvironment,
): (durationSeconds: number) => ReturnType<typeof runWrk> {
  return (durationSeconds) => {
    runCounter++;
    return runWrk({
      url: `${scenario.baseUrl}${scenario.path}`,
      durationSeconds,
      connections: options.connections,
      threads: options.threads,
      poolId: scenario.poolId,
      runTag: `${scenario.name[0]}${runCounter}`,
      tokenFile: scenario.tokenFile,
      env,
    });
  };
}

export async function runScenario(
  scenario: Scenario,
  options: BenchOptions,
  env: ChildEnvironment,
): Promise<ScenarioResult> {
  const wrkRun = wrkRunOf(scenario, options, env);
  const { probe } = scenario;
  const countsBefore = scenario.expected ? await readServerCounts(scenario.baseUrl) : undefined;
  if (options.warmupSeconds > 0) await wrkRun(options.warmupSeconds);
  await probe?.settle?.();
  const companions = (await probe?.companions?.()) ?? [];
  const companionTicksBefore = companions.map((companion) => ticksByPid(companion.pids));
  const serverTicksBefore = processTicks(scenario.server.pid);
  const machineBefore = machineTicks();
  await probe?.measuring?.();
  const startedAt = performance.now();
  const measured = await wrkRun(options.durationSeconds);
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  const serverTicksAfter = processTicks(scenario.server.pid);
  const machineAfter = machineTicks();
  const companionTicks = companions.map((companion, index) => ({
    name: companion.name,
    ticks: ticksSince(companionTicksBefore[index] ?? new Map()),
  }));
  const probeProblems = (await probe?.measured?.()) ?? [];
  const countsAfter = countsBefore ? await readServerCounts(scenario.baseUrl) : undefined;
  const server = countsBefore && countsAfter ? countsBetween(countsBefore, countsAfter) : undefined;
  const result = measured.result;
  const cpu = splitOf({
    elapsedSeconds,
    machineBefore,
    machineAfter,
    serverBefore: serverTicksBefore,
    serverAfter: serverTicksAfter,
    loadGenerator: measured.cpuTicks,
    companions: companionTicks,
  });
  return {
    name: scenario.name,
    shape: scenario.shape,
    label: scenario.label,
    requestsPerSecond: requestsPerSecond(result),
    latencyMsP50: result.latencyUsP50 / 1000,
    latencyMsP99: result.latencyUsP99 / 1000,
    latencyMsMax: result.latencyUsMax / 1000,
    wrk: result,
    cpu,
    serverRssBytes: residentBytes(scenario.server.pid),
    server,
    problems: [...problemsOf(scenario, result, server), ...probeProblems],
  };
}

interface CpuReadings {
  readonly elapsedSeconds: number;
  readonly machineBefore: MachineTicks | undefined;
  readonly machineAfter: MachineTicks | undefined;
  readonly serverBefore: number | undefined;
  readonly serverAfter: number | undefined;
  /** wrk's CPU over the measured run, in ticks. */
  readonly loadGenerator: number | undefined;
  readonly companions: readonly { readonly name: string; readonly ticks: number }[];
}

function splitOf(readings: CpuReadings): CpuSplit | undefined {
  const { machineBefore, machineAfter, serverBefore, serverAfter, loadGenerator } = readings;
  if (
    machineBefore === undefined ||
    machineAfter === undefined ||
    serverBefore === undefined ||
    serverAfter === undefined ||
    loadGenerator === undefined
  ) {
    return undefined;
  }
  return cpuSplit(
    readings.elapsedSeconds,
    ticksBetween(machineBefore, machineAfter),
    serverAfter - serverBefore,
    loadGenerator,
    readings.companions,
  );
}

function problemsOf(scenario: Scenario, result: WrkResult, server: ServerCounts | undefined): string[] {
  const problems: string[] = [];
  if (!scenario.server.alive) problems.push(`${scenario.server.name} exited during the run`);
  if (result.requests === 0) problems.push('no request completed');
  const errors = socketErrors(result);
  if (errors > 0) {
    problems.push(
      `${errors} socket errors (connect ${result.connectErrors}, read ${result.readErrors}, ` +
        `write ${result.writeErrors}, timeout ${result.timeouts})`,
    );
  }
  const expectedNon2xx = scenario.expectsNon2xx ? result.requests : 0;
  if (result.non2xx !== expectedNon2xx) {
    problems.push(
      `${result.non2xx} of ${result.requests} responses were non-2xx, expected ${expectedNon2xx}`,
    );
  }
  if (scenario.expected !== undefined && server !== undefined) {
    const { status, outcome } = scenario.expected;
    const otherStatuses = [...server.holdStatuses].filter(([key]) => key !== status);
    if (otherStatuses.length > 0) problems.push(`unexpected statuses ${describe(otherStatuses)}`);
    const otherOutcomes = [...server.holdOutcomes].filter(([key]) => key !== outcome);
    if (otherOutcomes.length > 0) problems.push(`unexpected hold outcomes ${describe(otherOutcomes)}`);
    if (otherOutcomes.some(([key]) => key === 'sold_out') && scenario.name.startsWith('accepted')) {
      problems.push('the large pool sold out: shorten --duration');
    }
  }
  return problems;
}

function describe(entries: readonly (readonly [string, number])[]): string {
  return entries.map(([key, count]) => `${key} ×${count}`).join(', ');
}
