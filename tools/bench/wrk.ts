// Runs wrk, the load generator, with holds.lua and reads its result. wrk runs under a tiny `sh` whose
// /proc stat, read after wrk has exited, holds wrk's exact CPU time (cutime/cstime): the load generator
// shares the two cores with the server, and the report shows how much it took.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildEnvironment } from '../harness/child-env.js';
import { Child } from '../harness/processes.js';
import { waitedChildrenTicks } from './proc.js';

export const WRK_SCRIPT = fileURLToPath(new URL('./holds.lua', import.meta.url));
const RESULT_MARKER = 'BENCH_RESULT ';
const CHILD_STAT_MARKER = 'BENCH_CHILD_STAT ';
/** wrk stops itself after its duration; this much longer and it is killed as hung. */
const WRK_OVERRUN_MS = 15_000;

// `$$` is the shell: after `wrk` returns, the shell's cutime/cstime are exactly wrk's CPU time.
const WRAPPER = `wrk "$@"; status=$?; read -r stat < /proc/$$/stat; printf '${CHILD_STAT_MARKER}%s\\n' "$stat" >&2; exit $status`;

export interface WrkRun {
  readonly url: string;
  readonly durationSeconds: number;
  readonly connections: number;
  readonly threads: number;
  readonly poolId: string;
  /** Unique per run: becomes part of every userId (see holds.lua). */
  readonly runTag: string;
  /** A file of `<sub> <token>` lines: each request then carries a buyer token and its sub as userId. */
  readonly tokenFile?: string;
  readonly env: ChildEnvironment;
}

export interface WrkResult {
  readonly durationUs: number;
  readonly requests: number;
  readonly bytes: number;
  /** Responses with a status outside 200-399. */
  readonly non2xx: number;
  readonly connectErrors: number;
  readonly readErrors: number;
  readonly writeErrors: number;
  readonly timeouts: number;
  readonly latencyUsP50: number;
  readonly latencyUsP99: number;
  readonly latencyUsMax: number;
  readonly latencyUsMean: number;
}

export interface WrkOutcome {
  readonly result: WrkResult;
  /** wrk's CPU time in ticks, when /proc told it. */
  readonly cpuTicks: number | undefined;
}

/** The installed wrk's version line, or undefined when there is no wrk on the PATH. */
export function wrkVersion(): string | undefined {
  const answer = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (answer.error !== undefined) return undefined;
  // "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer": keep what names the build.
  const line = `${answer.stdout}${answer.stderr}`.split('\n', 1)[0] ?? '';
  return line.replace(/\s*Copyright.*$/, '').trim() || 'wrk';
}

export function wrkArguments(run: WrkRun): string[] {
  return [
    `-t${run.threads}`,
    `-c${run.connections}`,
    `-d${run.durationSeconds}s`,
    // Latency of a request that waits longer than this is a timeout in wrk's count, which fails the run.
    '--timeout',
    '5s',
    '--latency',
    '-s',
    WRK_SCRIPT,
    run.url,
    '--',
    run.poolId,
    run.runTag,
    ...(run.tokenFile === undefined ? [] : [run.tokenFile]),
  ];
}

export async function runWrk(run: WrkRun): Promise<WrkOutcome> {
  const child = new Child('wrk', 'sh', ['-c', WRAPPER, 'sh', ...wrkArguments(run)], run.env);
  const timer = setTimeout(() => child.kill(), run.durationSeconds * 1000 + WRK_OVERRUN_MS);
  let code: number | null;
  try {
    code = await child.exited;
  } finally {
    clearTimeout(timer);
  }
  const result = parseWrkResult(child.stdout);
  if (code !== 0 || result === undefined) {
    throw new Error(`wrk failed (exit ${code}) against ${run.url}:\n${child.describeOutput()}`);
  }
  const statLine = child.stderr
    .split('\n')
    .find((line) => line.startsWith(CHILD_STAT_MARKER))
    ?.slice(CHILD_STAT_MARKER.length);
  return { result, cpuTicks: statLine === undefined ? undefined : waitedChildrenTicks(statLine) };
}

/** The figures holds.lua's done() printed, or undefined when wrk printed none (it failed first). */
export function parseWrkResult(stdout: string): WrkResult | undefined {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_MARKER));
  if (line === undefined) return undefined;
  const parsed = JSON.parse(line.slice(RESULT_MARKER.length)) as WrkResult;
  return parsed;
}

export function requestsPerSecond(result: WrkResult): number {
  return result.durationUs > 0 ? result.requests / (result.durationUs / 1_000_000) : 0;
}

export function socketErrors(result: WrkResult): number {
  return result.connectErrors + result.readErrors + result.writeErrors + result.timeouts;
}
