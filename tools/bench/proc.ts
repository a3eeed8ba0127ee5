// Readings from /proc. CPU accounting shows how the two cores were shared during a measured run: the server,
// the load generator and everything else (other processes and the kernel's loopback networking). Linux
// only; elsewhere every reading is undefined and the report leaves it out.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks per second of /proc times; 100 on every Linux this runs on, asked once to be sure. */
export const clockTicksPerSecond = readClockTicks();

function readClockTicks(): number {
  const answer = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(answer.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

export interface MachineTicks {
  readonly busy: number;
  readonly total: number;
}

/** Busy and total ticks of all cores together since boot, from the first line of /proc/stat. */
export function machineTicks(): MachineTicks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are the not-busy ones.
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** The fields of a /proc/<pid>/stat line after the command name, which may itself hold spaces. */
export function statFields(statLine: string): string[] {
  return statLine
    .slice(statLine.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
}

/** utime + stime of a live process (all its threads), in ticks. */
export function processTicks(pid: number): number | undefined {
  try {
    const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    // Fields 14 and 15 of stat(5); the slice starts at field 3.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** cutime + cstime of a stat line: the CPU of the children that process has waited for, in ticks. */
export function waitedChildrenTicks(statLine: string): number | undefined {
  const fields = statFields(statLine);
  const ticks = Number(fields[13]) + Number(fields[14]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/** A process the server depends on (Redis, a projector worker, PostgreSQL backends), and its CPU. */
export interface CompanionCpu {
  readonly name: string;
  /** Percent of one core. */
  readonly percent: number;
}

export interface CpuSplit {
  /** Percent of one core; 100 is a whole core, and the machine has `cores` of them. */
  readonly serverPercent: number;
  readonly loadGeneratorPercent: number;
  /** The server's own services (distributed shape): redis-server, the worker, PostgreSQL; empty otherwise. */
  readonly companions: readonly CompanionCpu[];
  /** Every other process and the kernel's own work (softirq of the loopback network), percent of one core. */
  readonly otherPercent: number;
  readonly idlePercent: number;
  readonly cores: number;
}

export function cpuSplit(
  elapsedSeconds: number,
  machine: MachineTicks,
  serverTicks: number,
  loadGeneratorTicks: number,
  companionTicks: readonly { readonly name: string; readonly ticks: number }[] = [],
): CpuSplit {
  const cores = availableParallelism();
  const percentOf = (ticks: number) => (100 * ticks) / clockTicksPerSecond / elapsedSeconds;
  const busyPercent = percentOf(machine.busy);
  const companions = companionTicks.map(({ name, ticks }) => ({ name, percent: percentOf(ticks) }));
  const namedPercent =
    percentOf(serverTicks) +
    percentOf(loadGeneratorTicks) +
    companions.reduce((sum, companion) => sum + companion.percent, 0);
  return {
    serverPercent: percentOf(serverTicks),
    loadGeneratorPercent: percentOf(loadGeneratorTicks),
    companions,
    otherPercent: Math.max(0, busyPercent - namedPercent),
    idlePercent: Math.max(0, 100 * cores - busyPercent),
    cores,
  };
}

/** utime + stime of each of these processes that is alive now, in ticks, by pid. */
export function ticksByPid(pids: readonly number[]): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const value = processTicks(pid);
    if (value !== undefined) ticks.set(pid, value);
  }
  return ticks;
}

/** CPU ticks used since `before` by the processes read then that are still alive (one gone counts 0). */
export function ticksSince(before: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const [pid, ticks] of before) {
    const now = processTicks(pid);
    if (now !== undefined) sum += Math.max(0, now - ticks);
  }
  return sum;
}

export function ticksBetween(before: MachineTicks, after: MachineTicks): MachineTicks {
  return { busy: after.busy - before.busy, total: after.total - before.total };
}

/** Percent of one core the rest of the machine uses over sampleMs: tells whether the figures will be noisy. */
export async function backgroundBusyPercent(sampleMs: number): Promise<number | undefined> {
  const before = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const after = machineTicks();
  if (before === undefined || after === undefined) return undefined;
  return (100 * (after.busy - before.busy)) / clockTicksPerSecond / (sampleMs / 1000);
}

/** Resident set size of a live process (VmRSS of /proc/<pid>/status), in bytes. */
export function residentBytes(pid: number): number | undefined {
  try {
    const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kilobytes === undefined ? undefined : Number(kilobytes) * 1024;
  } catch {
    return undefined;
  }
}
