// Flags of the load-test scenarios of `boxoffice bench`, parsed and bounded once. Every count and duration
// has a limit, so no run can be asked to go on forever; the usage text is in tools/bench/usage.ts.
import { parseArgs } from 'node:util';
import {
  HOLD_TTL_SECONDS_MAX,
  HOLD_TTL_SECONDS_MIN,
  POOL_CAPACITY_MAX,
  SEATS_PER_EVENT_MAX,
} from '../../src/domain/limits.js';
import { UsageError } from '../bench/options.js';

export const SCENARIO_NAMES = ['contention', 'pool-rush', 'seat-rush', 'mix', 'queue'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/** How the holds of the mix scenario end, in percent; abandoned holds are left to expire. */
export interface MixRatios {
  readonly confirmPercent: number;
  readonly releasePercent: number;
  readonly abandonPercent: number;
}

export interface LoadTestOptions {
  readonly scenario: ScenarioName;
  /** Target server; undefined starts a private server on 127.0.0.1 with a temporary data dir. */
  readonly url: string | undefined;
  /** Port of the private server; undefined picks a free one. Only without `url`. */
  readonly port: number | undefined;
  readonly adminToken: string | undefined;
  /** An existing event to load instead of creating one. */
  readonly eventId: string | undefined;
  /** Numbered seats of the created event; in contention, the seats everyone wants. */
  readonly seats: number;
  /** Counted stock (one pool) of the created event. */
  readonly capacity: number;
  readonly holdTtlSeconds: number;
  readonly mix: MixRatios;
  readonly queue: QueueLoadOptions;
  /** Users of the scenarios; in `queue`, the buyers, each joining once. */
  readonly users: number;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly requestsMax: number;
  readonly seed: number;
  readonly outDir: string | undefined;
  readonly chart: boolean;
  readonly json: boolean;
}

/**
 * The size of the event each scenario creates. Holds of the rushes live an hour, the longest TTL allowed, so
 * none expires during a run and every accepted hold still counts against the stock at the end; the mix uses
 * a short TTL so that abandoned holds expire, and their stock returns, within the run.
 */
const EVENT_DEFAULTS: Record<ScenarioName, { seats: number; capacity: number; holdTtlSeconds: number }> = {
  contention: { seats: 1, capacity: 0, holdTtlSeconds: HOLD_TTL_SECONDS_MAX },
  'pool-rush': { seats: 0, capacity: 1_000, holdTtlSeconds: HOLD_TTL_SECONDS_MAX },
  'seat-rush': { seats: 1_000, capacity: 0, holdTtlSeconds: HOLD_TTL_SECONDS_MAX },
  mix: { seats: 200, capacity: 1_000, holdTtlSeconds: 10 },
  queue: { seats: 0, capacity: 1_000, holdTtlSeconds: HOLD_TTL_SECONDS_MAX },
};

/** The waiting room of the queue scenario's event (docs/load-testing.md). */
export interface QueueLoadOptions {
  readonly admitPerMinute: number;
  /** Valid passes at once; defaults to the buyers. Passes outlive the run, so with fewer the rest wait
   *  until --duration. */
  readonly maxActive: number;
  /** Seconds from the event's creation to salesStartAt: the early joiners' window. */
  readonly startDelaySeconds: number;
}

/** The range of each numeric flag. */
const BOUNDS = {
  users: { min: 1, max: 10_000_000 },
  connections: { min: 1, max: 1_024 },
  duration: { min: 1, max: 3_600 },
  requests: { min: 1, max: 10_000_000 },
  seats: { min: 0, max: SEATS_PER_EVENT_MAX },
  capacity: { min: 0, max: POOL_CAPACITY_MAX },
  'hold-ttl': { min: HOLD_TTL_SECONDS_MIN, max: HOLD_TTL_SECONDS_MAX },
  seed: { min: 0, max: 2 ** 32 - 1 },
  port: { min: 1, max: 65_535 },
  'admit-per-minute': { min: 1, max: 60_000 },
  'max-active': { min: 1, max: 1_000_000 },
  'start-delay': { min: 1, max: 600 },
} as const;

/** Each queue buyer polls its status every 500 ms: a crowd of 1,000 is already 2,000 status calls a second. */
const QUEUE_DEFAULTS = { users: 200, admitPerMinute: 6_000, startDelay: 3 } as const;
/** Every queue buyer is a flow in flight for the whole run: their number is bounded apart. */
const QUEUE_BUYERS_MAX = 100_000;

/** A run of the defaults lasts seconds to a minute on a small machine: 10,000 requests or 60 s. */
const LOAD_DEFAULTS = { users: 1_000, connections: 64, duration: 60, requests: 10_000 } as const;
type BoundedFlag = keyof typeof BOUNDS;

const FLAGS = {
  url: { type: 'string' },
  'admin-token': { type: 'string' },
  event: { type: 'string' },
  mix: { type: 'string' },
  out: { type: 'string' },
  chart: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(Object.keys(BOUNDS).map((name) => [name, { type: 'string' as const }])),
} as const;

const EVENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ADMIN_TOKEN_LENGTH_MIN = 16;

/** Parses the flags that follow the scenario name; `env` supplies BOXOFFICE_ADMIN_TOKEN. */
export function parseLoadTestArgs(
  scenario: ScenarioName,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LoadTestOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...args], strict: true, options: FLAGS }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return 'help';
  const text = (name: string) => values[name] as string | undefined;
  const number = (name: BoundedFlag, fallback: number) => bounded(name, text(name), fallback);
  const defaults = EVENT_DEFAULTS[scenario];
  const users = number('users', scenario === 'queue' ? QUEUE_DEFAULTS.users : LOAD_DEFAULTS.users);
  const options: LoadTestOptions = {
    scenario,
    url: urlOf(text('url')),
    port: text('port') === undefined ? undefined : number('port', 0),
    // The private server gets a token of its own; only the server of --url needs the operator's.
    adminToken: text('url') === undefined ? undefined : (text('admin-token') ?? env.BOXOFFICE_ADMIN_TOKEN),
    eventId: text('event'),
    seats: number('seats', defaults.seats),
    capacity: number('capacity', defaults.capacity),
    holdTtlSeconds: number('hold-ttl', defaults.holdTtlSeconds),
    mix: mixOf(text('mix')),
    queue: {
      admitPerMinute: number('admit-per-minute', QUEUE_DEFAULTS.admitPerMinute),
      maxActive: number('max-active', users),
      startDelaySeconds: number('start-delay', QUEUE_DEFAULTS.startDelay),
    },
    users,
    connections: number('connections', LOAD_DEFAULTS.connections),
    durationSeconds: number('duration', LOAD_DEFAULTS.duration),
    requestsMax: number('requests', LOAD_DEFAULTS.requests),
    seed: number('seed', randomSeed()),
    outDir: text('out'),
    chart: values.chart === true,
    json: values.json === true,
  };
  checkCombinations(options, (name) => text(name) !== undefined);
  return options;
}

function checkCombinations(options: LoadTestOptions, given: (flag: string) => boolean): void {
  if (options.url !== undefined && (options.adminToken === undefined || options.adminToken === '')) {
    throw new UsageError(
      '--url needs --admin-token (or BOXOFFICE_ADMIN_TOKEN) to create the event and read the audit.',
    );
  }
  if (options.port !== undefined && options.url !== undefined) {
    throw new UsageError("--port is the private server's; the server of --url has its port in the URL.");
  }
  if (given('admin-token') && options.url === undefined) {
    throw new UsageError('--admin-token belongs to --url: the private server has a token of its own.');
  }
  if (options.adminToken !== undefined && options.adminToken.length < ADMIN_TOKEN_LENGTH_MIN) {
    throw new UsageError(`The admin token must have at least ${ADMIN_TOKEN_LENGTH_MIN} characters.`);
  }
  if (options.eventId !== undefined) {
    if (!EVENT_ID_PATTERN.test(options.eventId))
      throw new UsageError('--event must match [A-Za-z0-9_-]{1,64}.');
    if (options.url === undefined) {
      throw new UsageError('--event needs --url: the private server starts empty.');
    }
    const sizing = ['capacity', 'hold-ttl', ...(options.scenario === 'contention' ? [] : ['seats'])];
    const clash = sizing.find(given);
    if (clash !== undefined)
      throw new UsageError(`--${clash} sizes a created event; it cannot go with --event.`);
  }
  if (options.chart && options.outDir === undefined) throw new UsageError('--chart needs --out <dir>.');
  if (given('mix') && options.scenario !== 'mix') throw new UsageError('--mix belongs to the mix scenario.');
  const queueFlag = ['admit-per-minute', 'max-active', 'start-delay'].find(given);
  if (queueFlag !== undefined && options.scenario !== 'queue') {
    throw new UsageError(`--${queueFlag} belongs to the queue scenario.`);
  }
  if (options.scenario === 'queue' && options.eventId !== undefined) {
    throw new UsageError(
      'The queue scenario creates its own event with a waiting room; --event cannot go with it.',
    );
  }
  if (options.scenario === 'queue' && options.users > QUEUE_BUYERS_MAX) {
    throw new UsageError(
      `The queue scenario's buyers are all in flight at once: --users at most ${QUEUE_BUYERS_MAX}.`,
    );
  }
  if (options.scenario === 'queue' && options.capacity === 0) {
    throw new UsageError('The queue scenario sells from a pool: give --capacity a size above 0.');
  }
}

function bounded(name: BoundedFlag, raw: string | undefined, fallback: number): number {
  const { min, max } = BOUNDS[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}

function urlOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be an http:// or https:// URL, not "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http:// or https:// URL, not "${raw}".`);
  }
  return raw.replace(/\/+$/, '');
}

export const DEFAULT_MIX: MixRatios = { confirmPercent: 60, releasePercent: 20, abandonPercent: 20 };

function mixOf(raw: string | undefined): MixRatios {
  if (raw === undefined) return DEFAULT_MIX;
  const parts = raw.split('/');
  const numbers = parts.map(Number);
  const valid = parts.length === 3 && parts.every((part) => /^[0-9]{1,3}$/.test(part));
  if (!valid || numbers.reduce((sum, part) => sum + part, 0) !== 100) {
    throw new UsageError(
      `--mix must be confirm/release/abandon percentages adding up to 100, like 60/20/20, not "${raw}".`,
    );
  }
  const [confirmPercent = 0, releasePercent = 0, abandonPercent = 0] = numbers;
  return { confirmPercent, releasePercent, abandonPercent };
}

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
