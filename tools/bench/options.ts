// Flags of `boxoffice bench ceiling` (the default scenario), parsed and bounded once. Every duration and
// count has a limit, so no run can be asked to go on forever. The help text is in usage.ts.
import { parseArgs } from 'node:util';
import {
  PROJECTION_THREAD_DEFAULT,
  PROJECTION_THREAD_MODES,
  type ProjectionThreadMode,
} from '../../src/projector/embedded/projection-mode.js';
import { DISTRIBUTED_LANES_DEFAULT } from '../../src/projector/projector.js';
import { STORE_CACHE_MB_DEFAULT } from '../../src/store/pglite/pglite-driver.js';

/** How boxoffice is deployed for a run: one process with PGlite, or API + Redis + worker + PostgreSQL. */
export type Shape = 'embedded' | 'distributed';
const SHAPE_CHOICES: Readonly<Record<string, readonly Shape[]>> = {
  embedded: ['embedded'],
  distributed: ['distributed'],
  both: ['embedded', 'distributed'],
};
/** The PostgreSQL server on which the distributed shape's throwaway database is created (and dropped). */
export const DATABASE_URL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchOptions {
  /** Length of each measured run, per scenario. */
  readonly durationSeconds: number;
  /** Unmeasured load before each measured run: JIT, connection setup, first GCs. */
  readonly warmupSeconds: number;
  readonly connections: number;
  /** wrk threads. 1 by default: see docs/benchmarks.md, "Why one wrk thread". */
  readonly threads: number;
  /** Print the JSON report on stdout (the table then goes to stderr). */
  readonly json: boolean;
  /** Exit 3 when a target is missed (otherwise a missed target is reported, not an error). */
  readonly strict: boolean;
  /** Measure memory (RSS after many holds) instead of throughput. */
  readonly memory: boolean;
  readonly memoryHolds: number;
  readonly memoryTimeoutSeconds: number;
  /** Seconds the memory run's server rests after the holds before its RSS is read again. */
  readonly memoryRestSeconds: number;
  /** Directory for --cpu-prof profiles of the boxoffice server, the bare one and the projector worker. */
  readonly cpuProfileDir: string | undefined;
  /** The shapes measured, in this order, each against a ceiling measured just before it. */
  readonly shapes: readonly Shape[];
  /** Distributed shape: the PostgreSQL server to create the run's database on. */
  readonly databaseUrl: string;
  /** Rate limits of the servers: `on` counts every hold per address and per buyer, `off` counts nothing. */
  readonly rateLimits: 'on' | 'off';
  /**
   * `verified`: also measure holds with a buyer token per request (from a pool of BUYER_TOKEN_POOL_SIZE),
   * against the same server and events as the open runs.
   */
  readonly auth: 'open' | 'verified';
  /** Embedded shape: BOXOFFICE_DURABILITY of the server. */
  readonly durability: 'process' | 'power';
  /** Embedded shape (and the memory run): BOXOFFICE_PROJECTION_THREAD of the server. */
  readonly projectionThread: ProjectionThreadMode;
  /** Embedded shape (and the memory run): BOXOFFICE_STORE_CACHE_MB of the server. */
  readonly storeCacheMb: number;
  /** Embedded shape: BOXOFFICE_PROJECTION_NICE of the server. */
  readonly projectionNice: number;
  /** Distributed shape: BOXOFFICE_PROJECTOR_LANES of the projector workers. */
  readonly projectorLanes: number;
}

const BOUNDS = {
  duration: { fallback: 10, min: 1, max: 600 },
  warmup: { fallback: 3, min: 0, max: 60 },
  connections: { fallback: 64, min: 1, max: 10_000 },
  threads: { fallback: 1, min: 1, max: 64 },
  holds: { fallback: 1_000_000, min: 1, max: 10_000_000 },
  'store-cache-mb': { fallback: STORE_CACHE_MB_DEFAULT, min: 1, max: 16_384 },
  'projector-lanes': { fallback: DISTRIBUTED_LANES_DEFAULT, min: 1, max: 8 },
  'projection-nice': { fallback: 0, min: 0, max: 19 },
  'memory-timeout': { fallback: 900, min: 10, max: 3_600 },
  'memory-rest': { fallback: 20, min: 0, max: 600 },
} as const;

export class UsageError extends Error {}

export function parseBenchArgs(args: readonly string[]): BenchOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      strict: true,
      options: {
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean' },
        strict: { type: 'boolean' },
        'cpu-prof': { type: 'string' },
        memory: { type: 'boolean' },
        holds: { type: 'string' },
        'memory-timeout': { type: 'string' },
        'memory-rest': { type: 'string' },
        shape: { type: 'string' },
        'database-url': { type: 'string' },
        'rate-limits': { type: 'string' },
        auth: { type: 'string' },
        durability: { type: 'string' },
        'projection-thread': { type: 'string' },
        'store-cache-mb': { type: 'string' },
        'projector-lanes': { type: 'string' },
        'projection-nice': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return 'help';
  const number = (name: keyof typeof BOUNDS) => bounded(name, values[name] as string | undefined);
  const options: BenchOptions = {
    durationSeconds: number('duration'),
    warmupSeconds: number('warmup'),
    connections: number('connections'),
    threads: number('threads'),
    json: values.json === true,
    strict: values.strict === true,
    memory: values.memory === true,
    memoryHolds: number('holds'),
    memoryTimeoutSeconds: number('memory-timeout'),
    memoryRestSeconds: number('memory-rest'),
    cpuProfileDir: values['cpu-prof'] as string | undefined,
    shapes: shapesOf(values.shape as string | undefined),
    databaseUrl: databaseUrlOf(values['database-url'] as string | undefined),
    rateLimits: rateLimitsOf(values['rate-limits'] as string | undefined),
    auth: authOf(values.auth as string | undefined),
    durability: durabilityOf(values.durability as string | undefined),
    projectionThread: projectionThreadOf(values['projection-thread'] as string | undefined),
    storeCacheMb: number('store-cache-mb'),
    projectorLanes: number('projector-lanes'),
    projectionNice: number('projection-nice'),
  };
  if (options.threads > options.connections) {
    throw new UsageError('--threads must not exceed --connections (wrk gives each thread connections).');
  }
  if (options.memory && values.shape !== undefined) {
    throw new UsageError('--memory measures the embedded shape only; leave out --shape.');
  }
  return options;
}

function shapesOf(raw: string | undefined): readonly Shape[] {
  const choice = raw ?? 'embedded';
  const shapes = Object.hasOwn(SHAPE_CHOICES, choice) ? SHAPE_CHOICES[choice] : undefined;
  if (shapes === undefined)
    throw new UsageError(`--shape must be embedded, distributed or both, not "${raw}".`);
  return shapes;
}

function durabilityOf(raw: string | undefined): 'process' | 'power' {
  if (raw === undefined || raw === 'process' || raw === 'power') return raw ?? 'process';
  throw new UsageError(`--durability must be process or power, not "${raw}".`);
}

function projectionThreadOf(raw: string | undefined): ProjectionThreadMode {
  if (raw === undefined) return PROJECTION_THREAD_DEFAULT;
  const mode = PROJECTION_THREAD_MODES.find((known) => known === raw);
  if (mode === undefined) throw new UsageError(`--projection-thread must be worker or main, not "${raw}".`);
  return mode;
}

function rateLimitsOf(raw: string | undefined): 'on' | 'off' {
  if (raw === undefined || raw === 'on' || raw === 'off') return raw ?? 'on';
  throw new UsageError(`--rate-limits must be on or off, not "${raw}".`);
}

/**
 * The servers' rate-limit settings of a run. `on` counts every hold per address and per buyer, with both
 * limits raised out of reach: all of wrk's load comes from 127.0.0.1, and the `--auth verified` runs reuse
 * each of their 10,000 buyers many times a minute. The run measures what counting costs, not what refusing
 * saves (a count costs the same whatever its limit).
 */
export function rateLimitSettings(rateLimits: 'on' | 'off'): Readonly<Record<string, string>> {
  return rateLimits === 'on'
    ? { BOXOFFICE_RATE_LIMIT_PER_IP: '10000000/3600s', BOXOFFICE_RATE_LIMIT_PER_BUYER: '10000000/3600s' }
    : { BOXOFFICE_RATE_LIMIT_PER_IP: 'off', BOXOFFICE_RATE_LIMIT_PER_BUYER: 'off' };
}

function authOf(raw: string | undefined): BenchOptions['auth'] {
  if (raw === undefined || raw === 'open' || raw === 'verified') return raw ?? 'open';
  throw new UsageError(`--auth must be open or verified, not "${raw}".`);
}

function databaseUrlOf(raw: string | undefined): string {
  if (raw === undefined) return DATABASE_URL_DEFAULT;
  let protocol: string | undefined;
  try {
    protocol = new URL(raw).protocol;
  } catch {}
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new UsageError(`--database-url must be a postgres:// URL, not "${raw}".`);
  }
  return raw;
}

function bounded(name: keyof typeof BOUNDS, raw: string | undefined): number {
  const { fallback, min, max } = BOUNDS[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}
