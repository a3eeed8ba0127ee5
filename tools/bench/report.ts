// The human report of a throughput run: a header naming the machine, settings and load, then per shape one
// table row per scenario and what explains the figures (CPU split, group commit batches, statuses, RSS), and
// for the distributed shape the projector's figures.
import { formatProjector } from './projector-report.js';
import type { Judged } from './targets.js';
import type { ThroughputReport } from './throughput.js';

const COLUMNS = [
  { title: 'scenario', width: 26, align: 'left' },
  { title: 'req/s', width: 9, align: 'right' },
  { title: 'p50 ms', width: 8, align: 'right' },
  { title: 'p99 ms', width: 8, align: 'right' },
  { title: 'ratio', width: 6, align: 'right' },
  { title: 'target', width: 22, align: 'left' },
  { title: 'verdict', width: 7, align: 'left' },
] as const;

export function formatThroughput(report: ThroughputReport): string {
  const { machine, settings } = report;
  const lines = [
    '',
    `boxoffice bench, ${report.startedAt}`,
    `machine: ${machine.cores} cores (${machine.cpuModel}), node ${machine.node}, ${machine.wrk}`,
    `load: wrk, ${settings.connections} connections, ${settings.threads} thread(s), ` +
      `${settings.durationSeconds} s measured after ${settings.warmupSeconds} s warm-up, per scenario; ` +
      `rate limits ${settings.rateLimits}`,
    `load average (1, 5, 15 min): ${loadAverageOf(report.loadAverage.start)} at the start, ` +
      `${loadAverageOf(report.loadAverage.end)} at the end`,
  ];
  for (const { shape, description } of report.shapes) {
    const scenarios = report.scenarios.filter((scenario) => scenario.shape === shape);
    lines.push(
      '',
      description,
      '',
      row(COLUMNS.map((column) => column.title)),
      row(COLUMNS.map((column) => '-'.repeat(column.width))),
      ...scenarios.map((scenario) => row(cellsOf(scenario))),
      '',
      ...scenarios.flatMap(detailsOf),
    );
    if (shape === 'distributed' && report.projector !== undefined) {
      lines.push(...formatProjector(report.projector));
    }
  }
  lines.push('');
  if (report.backgroundBusyPercent !== undefined) {
    lines.push(`machine busy before the run: ${report.backgroundBusyPercent.toFixed(0)}% of one core`);
  }
  for (const problem of report.problems) lines.push(`PROBLEM: ${problem}`);
  return `${lines.join('\n')}\n`;
}

function cellsOf(scenario: Judged): string[] {
  return [
    scenario.label,
    Math.round(scenario.requestsPerSecond).toLocaleString('en-US'),
    scenario.latencyMsP50.toFixed(2),
    scenario.latencyMsP99.toFixed(2),
    scenario.ratio === undefined ? '-' : scenario.ratio.toFixed(2),
    scenario.target,
    scenario.verdict,
  ];
}

function row(cells: readonly string[]): string {
  return cells
    .map((cell, index) => {
      const column = COLUMNS[index] as (typeof COLUMNS)[number];
      return column.align === 'left' ? cell.padEnd(column.width) : cell.padStart(column.width);
    })
    .join('  ')
    .trimEnd();
}

function detailsOf(scenario: Judged): string[] {
  const parts = [
    `${scenario.wrk.requests.toLocaleString('en-US')} requests, max ${scenario.latencyMsMax.toFixed(1)} ms`,
  ];
  if (scenario.cpu !== undefined) {
    const cpu = scenario.cpu;
    const companions = cpu.companions.map(
      (companion) => `, ${companion.name} ${companion.percent.toFixed(0)}`,
    );
    parts.push(
      `CPU (% of one core, ${cpu.cores} cores): server ${cpu.serverPercent.toFixed(0)}${companions.join('')}, ` +
        `wrk ${cpu.loadGeneratorPercent.toFixed(0)}, other ${cpu.otherPercent.toFixed(0)}, idle ${cpu.idlePercent.toFixed(0)}`,
    );
    if (scenario.requestsPerSecond > 0) {
      // A percent of one core per request/s is 10,000 µs per request.
      const perRequest = (percent: number) => ((percent * 10_000) / scenario.requestsPerSecond).toFixed(0);
      const each = cpu.companions.map((companion) => `, ${companion.name} ${perRequest(companion.percent)}`);
      parts.push(`CPU µs per request: server ${perRequest(cpu.serverPercent)}${each.join('')}`);
    }
  }
  const server = scenario.server;
  if (server !== undefined) {
    parts.push(`statuses ${[...server.holdStatuses].map(([key, count]) => `${key} ×${count}`).join(', ')}`);
    if (server.commits > 0) {
      parts.push(
        `group commits ${server.commits}, ${(server.committedEntries / server.commits).toFixed(1)} entries ` +
          `and ${((1000 * server.commitSeconds) / server.commits).toFixed(2)} ms each`,
      );
    }
  }
  if (scenario.serverRssBytes !== undefined) parts.push(`server RSS ${mebibytes(scenario.serverRssBytes)}`);
  const lines = [`${scenario.label}: ${parts.join('; ')}`];
  for (const problem of scenario.problems) lines.push(`  PROBLEM: ${problem}`);
  return lines;
}

function loadAverageOf(averages: readonly number[]): string {
  return averages.map((average) => average.toFixed(2)).join(' ');
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The JSON report: the same figures, with maps as plain objects. */
export function throughputJson(report: ThroughputReport): unknown {
  return {
    ...report,
    scenarios: report.scenarios.map((scenario) => ({
      ...scenario,
      server:
        scenario.server === undefined
          ? undefined
          : {
              ...scenario.server,
              holdStatuses: Object.fromEntries(scenario.server.holdStatuses),
              holdOutcomes: Object.fromEntries(scenario.server.holdOutcomes),
            },
    })),
  };
}
