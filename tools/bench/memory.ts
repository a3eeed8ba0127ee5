import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child, prepareDataDir, removeTemporaryDir, temporaryDir } from '../harness/processes.js';
import type { MemoryResult } from './memory-workload.js';
import { VENUE } from './memory-workload.js';
import type { BenchOptions } from './options.js';
import { mebibytes } from './report.js';

const MEMORY_RUN_JS = fileURLToPath(new URL('./memory-run.js', import.meta.url));
const RESULT_MARKER = 'MEMORY_RESULT ';
/** Beyond its own bound, the child gets this long to report and close before it is killed. */
const CHILD_GRACE_MS = 60_000;

export interface MemoryReport {
  readonly startedAt: string;
  readonly cores: number;
  readonly node: string;
  readonly result: MemoryResult | undefined;
  readonly problems: readonly string[];
}

export async function runMemory(options: BenchOptions, log: (line: string) => void): Promise<MemoryReport> {
  const startedAt = new Date().toISOString();
  const root = temporaryDir('boxoffice-bench-memory-');
  const problems: string[] = [];
  let result: MemoryResult | undefined;
  try {
    log('memory: creating a PGlite data dir (in a process of its own, as before a restart)…');
    await prepareDataDir(join(root, 'data'));
    log(`memory: ${options.memoryHolds.toLocaleString('en-US')} holds on one event of 100,000 seats…`);
    result = await memoryRun(options, join(root, 'data'), log);
    if (result.timedOut) {
      problems.push(`only ${result.holds} holds within --memory-timeout ${options.memoryTimeoutSeconds} s`);
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    removeTemporaryDir(root);
  }
  return { startedAt, cores: availableParallelism(), node: process.version, result, problems };
}

/** Runs memory-run.js, forwarding its progress lines, and returns what it measured. */
async function memoryRun(
  options: BenchOptions,
  dataDir: string,
  log: (line: string) => void,
): Promise<MemoryResult> {
  const child = new Child('memory run', process.execPath, [
    '--expose-gc',
    MEMORY_RUN_JS,
    String(options.memoryHolds),
    String(options.memoryTimeoutSeconds),
    dataDir,
    options.projectionThread,
    String(options.storeCacheMb),
    String(options.memoryRestSeconds),
  ]);
  child.process.stderr?.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.startsWith('  ')) log(line);
  });
  const timer = setTimeout(
    () => child.kill(),
    (options.memoryTimeoutSeconds + options.memoryRestSeconds) * 1000 + CHILD_GRACE_MS,
  );
  try {
    const code = await child.exited;
    const line = child.stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_MARKER));
    if (code !== 0 || line === undefined) {
      throw new Error(`The memory run failed (exit ${code}):\n${child.describeOutput()}`);
    }
    return JSON.parse(line.slice(RESULT_MARKER.length)) as MemoryResult;
  } finally {
    clearTimeout(timer);
  }
}

export function formatMemory(report: MemoryReport): string {
  const lines = [
    '',
    `boxoffice bench --memory, ${report.startedAt}, ${report.cores} cores, node ${report.node}`,
  ];
  const result = report.result;
  if (result !== undefined) {
    lines.push(
      `one event of ${VENUE.seats.toLocaleString('en-US')} seats (${VENUE.sectionIds.length} sections × ` +
        `${VENUE.rowsPerSection} rows × ${VENUE.seatsPerRow} seats); ${result.holds.toLocaleString('en-US')} ` +
        `holds of 1 seat (best available) by ${result.concurrency} concurrent callers in process;`,
      `at most ${result.liveHoldsMax.toLocaleString('en-US')} live, the oldest ended as more come: 1 in ` +
        `${result.confirmEvery} confirmed (${result.confirmed.toLocaleString('en-US')} sold), the rest released ` +
        `(${result.released.toLocaleString('en-US')})`,
      `${Math.round(result.holds / result.elapsedSeconds).toLocaleString('en-US')} holds/s ` +
        `(each hold and its ending durable), ${result.elapsedSeconds.toFixed(0)} s`,
      '',
      `${'phase'.padEnd(44)}${['RSS', 'heap used', 'heap total', 'external'].map((title) => title.padStart(12)).join('')}`,
    );
    for (const phase of result.phases) {
      const cells = [phase.rssBytes, phase.heapUsedBytes, phase.heapTotalBytes, phase.externalBytes];
      lines.push(`${phase.label.padEnd(44)}${cells.map((bytes) => mebibytes(bytes).padStart(12)).join('')}`);
    }
    lines.push(`peak RSS during the holds: ${mebibytes(result.peakRssBytes)}`);
  }
  for (const problem of report.problems) lines.push(`PROBLEM: ${problem}`);
  return `${lines.join('\n')}\n`;
}
