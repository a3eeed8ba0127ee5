// One scenario: warm up, then a measured wrk run, with the CPU split and the server's own count of what it
// answered taken around the measured run, and every way the run may have gone wrong named.

import type { BenchOptions } from './options.js';
import {
  type CpuSplit,
  cpuSplit,
  type MachineTicks,
  machineTicks,
  processTicks,
  residentBytes,
  ticksBetween,
} from './proc.js';
import type { Child } from './processes.js';
import { countsBetween, readServerCounts, type ServerCounts } from './server-metrics.js';
import { requestsPerSecond, runWrk, socketErrors, type WrkResult } from './wrk.js';

export interface Scenario {
  readonly name: 'ceiling' | 'accepted' | 'rejected';
  readonly label: string;
  readonly server: Child;
  readonly baseUrl: string;
  readonly path: string;
  readonly poolId: string;
  /** For boxoffice: the only status and hold outcome its /metrics may show for this scenario. */
  readonly expected?: { readonly status: string; readonly outcome: string };
  /** wrk counts anything outside 200-399 as non-2xx: all of them for refusals, none otherwise. */
  readonly expectsNon2xx: boolean;
}

export interface ScenarioResult {
  readonly name: Scenario['name'];
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

export async function runScenario(scenario: Scenario, options: BenchOptions): Promise<ScenarioResult> {
  const url = `${scenario.baseUrl}${scenario.path}`;
  const wrkRun = (durationSeconds: number) => {
    runCounter++;
    return runWrk({
      url,
      durationSeconds,
      connections: options.connections,
      threads: options.threads,
      poolId: scenario.poolId,
      runTag: `${scenario.name[0]}${runCounter}`,
    });
  };
  const countsBefore = scenario.expected ? await readServerCounts(scenario.baseUrl) : undefined;
  if (options.warmupSeconds > 0) await wrkRun(options.warmupSeconds);
  const serverTicksBefore = processTicks(scenario.server.pid);
  const machineBefore = machineTicks();
  const startedAt = performance.now();
  const measured = await wrkRun(options.durationSeconds);
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  const serverTicksAfter = processTicks(scenario.server.pid);
  const machineAfter = machineTicks();
  const countsAfter = countsBefore ? await readServerCounts(scenario.baseUrl) : undefined;
  const server = countsBefore && countsAfter ? countsBetween(countsBefore, countsAfter) : undefined;
  const result = measured.result;
  return {
    name: scenario.name,
    label: scenario.label,
    requestsPerSecond: requestsPerSecond(result),
    latencyMsP50: result.latencyUsP50 / 1000,
    latencyMsP99: result.latencyUsP99 / 1000,
    latencyMsMax: result.latencyUsMax / 1000,
    wrk: result,
    cpu: splitOf(elapsedSeconds, machineBefore, machineAfter, serverTicksBefore, serverTicksAfter, measured),
    serverRssBytes: residentBytes(scenario.server.pid),
    server,
    problems: problemsOf(scenario, result, server),
  };
}

function splitOf(
  elapsedSeconds: number,
  machineBefore: MachineTicks | undefined,
  machineAfter: MachineTicks | undefined,
  serverBefore: number | undefined,
  serverAfter: number | undefined,
  measured: { cpuTicks: number | undefined },
): CpuSplit | undefined {
  if (
    machineBefore === undefined ||
    machineAfter === undefined ||
    serverBefore === undefined ||
    serverAfter === undefined ||
    measured.cpuTicks === undefined
  ) {
    return undefined;
  }
  return cpuSplit(
    elapsedSeconds,
    ticksBetween(machineBefore, machineAfter),
    serverAfter - serverBefore,
    measured.cpuTicks,
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
    if (otherOutcomes.some(([key]) => key === 'sold_out') && scenario.name === 'accepted') {
      problems.push('the large pool sold out: shorten --duration');
    }
  }
  return problems;
}

function describe(entries: readonly (readonly [string, number])[]): string {
  return entries.map(([key, count]) => `${key} ×${count}`).join(', ');
}
