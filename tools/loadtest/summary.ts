// summary.md: the run for people — verdict first, then requests, latency per operation, outcomes, the
// client's tally and the audit. Printed on stdout at the end of a run, and written beside report.json.
import type { LatencySummary } from './latency.js';
import type { LoadTestReport } from './report.js';

export function summaryMarkdown(report: LoadTestReport): string {
  const { totals, verdict, event } = report;
  const lines = [
    `# boxoffice bench ${report.scenario}: ${verdict.passed ? 'PASS' : 'FAIL'}`,
    '',
    `Started ${report.startedAt}, ran ${report.elapsedSeconds.toFixed(1)} s, stopped by ${report.stopReason}; ` +
      `target ${report.target.private ? 'private server' : report.target.url}; seed ${report.options.seed}.`,
    `Event \`${event.id}\` (${event.created ? 'created by the run' : 'existing'}): capacity ${count(event.capacity)} ` +
      `(${stockOf(event)}), hold TTL ${event.holdTtlSeconds} s, ${event.maxPerUser} per user.`,
    `Load: ${report.options.connections} connections, ${count(report.options.users)} users, ${count(report.flows)} flows.`,
    '',
    `| requests | ok | refused | errors | req/s |`,
    `|---:|---:|---:|---:|---:|`,
    `| ${count(totals.requests)} | ${count(totals.ok)} | ${count(totals.refused)} | ${count(totals.errors)} | ${count(Math.round(report.throughputPerSecond))} |`,
    '',
    ...latencyTable(report.latency),
    '',
    ...outcomeTable(report.outcomes),
    '',
    ...tallyLines(report),
    '',
    ...queueLines(report.queue),
    ...auditLines(report.audit),
    '',
  ];
  if (verdict.problems.length > 0) {
    lines.push(
      '## Problems',
      '',
      ...verdict.problems.map((problem) => `- ${problem.replaceAll('\n', ' ')}`),
      '',
    );
  }
  return `${lines.join('\n')}`;
}

function queueLines(queue: LoadTestReport['queue']): string[] {
  if (queue === undefined) return [];
  const states = Object.entries(queue.lastStates)
    .map(([state, buyers]) => `${state} ${count(buyers)}`)
    .join(', ');
  return [
    '## Waiting room',
    '',
    '| buyers | joined | before the start | admitted | most passes at once | maxActive | admitPerMinute |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${count(queue.buyers)} | ${count(queue.joined)} | ${count(queue.joinedBeforeStart)} | ${count(queue.admitted)} | ${count(queue.mostActive)} | ${count(queue.maxActive)} | ${count(queue.admitPerMinute)} |`,
    '',
    `Last status of each buyer: ${states || 'none'}.`,
    '',
  ];
}

function latencyTable(latency: LoadTestReport['latency']): string[] {
  const ms = (value: number) => value.toFixed(2);
  const row = (kind: string, summary: LatencySummary) =>
    `| ${kind} | ${count(summary.count)} | ${ms(summary.p50Ms)} | ${ms(summary.p90Ms)} | ${ms(summary.p99Ms)} | ${ms(summary.p999Ms)} | ${ms(summary.maxMs)} |`;
  return [
    '## Latency (ms, HDR histogram)',
    '',
    '| operation | count | p50 | p90 | p99 | p99.9 | max |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(latency).map(([kind, summary]) => row(kind, summary)),
  ];
}

function outcomeTable(outcomes: LoadTestReport['outcomes']): string[] {
  const rows = Object.entries(outcomes).flatMap(([kind, byKey]) =>
    Object.entries(byKey).map(([key, number]) => `| ${kind} | ${key} | ${count(number)} |`),
  );
  return ['## Outcomes', '', '| operation | status | count |', '|---|---|---:|', ...rows];
}

function tallyLines(report: LoadTestReport): string[] {
  const tally = report.tally;
  const cells = [
    tally.acceptedHolds,
    tally.acceptedUnits,
    tally.peakClaimedUnits,
    tally.confirmedOrders,
    tally.confirmedTickets,
    tally.releasedHolds,
    tally.unendedHolds,
    tally.idempotentRetries,
  ];
  return [
    '## Client tally',
    '',
    '| holds accepted | units | most units claimed at once | orders | tickets | released | left held or to expire | idempotent retries |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${cells.map(count).join(' | ')} |`,
  ];
}

function auditLines(audit: unknown): string[] {
  if (audit === null || audit === undefined) return ['## Audit', '', 'No audit could be read.'];
  return ['## Audit', '', '```json', JSON.stringify(audit, null, 2), '```'];
}

function stockOf(event: LoadTestReport['event']): string {
  const parts = event.pools.map((pool) => `pool ${pool.id} of ${count(pool.capacity)}`);
  if (event.seats > 0) {
    parts.push(`${count(event.seats)} seats in ${event.sections} section${event.sections === 1 ? '' : 's'}`);
  }
  return parts.join(', ');
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
