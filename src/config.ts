// The only reader of process.env. Configuration comes from the environment and from CLI flags (flags win),
// is validated once with every bad value reported together, and is frozen.
import { randomBytes } from 'node:crypto';
import { HOLD_TTL_SECONDS_MAX, HOLD_TTL_SECONDS_MIN, MAX_PER_USER_MAX } from './domain/limits.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly adminToken: string;
  /** true when no token was configured and one was generated for this run (printed once at start). */
  readonly adminTokenGenerated: boolean;
  readonly sweepIntervalMs: number;
  readonly holdTtlSeconds: number;
  readonly maxPerUser: number;
  readonly logLevel: string;
}

/** Environment variable, CLI flag, default and parser of each setting: the config table of the README. */
const SETTINGS = {
  port: {
    env: 'PORT',
    flag: 'port',
    fallback: '8080',
    parse: integerIn(0, 65_535),
    about: 'HTTP port (0 picks a free one)',
  },
  host: {
    env: 'HOST',
    flag: 'host',
    fallback: '127.0.0.1',
    parse: nonEmpty,
    about: 'address to listen on; `0.0.0.0` for all',
  },
  dataDir: {
    env: 'BOXOFFICE_DATA_DIR',
    flag: 'data-dir',
    fallback: './data',
    parse: nonEmpty,
    about: 'PGlite data directory (embedded shape)',
  },
  adminToken: {
    env: 'BOXOFFICE_ADMIN_TOKEN',
    flag: 'admin-token',
    fallback: '',
    parse: token,
    about: 'bearer token of admin routes, ≥ 16 characters; generated and printed once when unset',
  },
  sweepIntervalMs: {
    env: 'BOXOFFICE_SWEEP_INTERVAL_MS',
    flag: 'sweep-interval-ms',
    fallback: '1000',
    parse: integerIn(10, 60_000),
    about: 'how often expired holds are ended (10–60000 ms)',
  },
  holdTtlSeconds: {
    env: 'BOXOFFICE_HOLD_TTL_SECONDS',
    flag: 'hold-ttl-seconds',
    fallback: '300',
    parse: integerIn(HOLD_TTL_SECONDS_MIN, HOLD_TTL_SECONDS_MAX),
    about: `hold TTL of events that set none (${HOLD_TTL_SECONDS_MIN}–${HOLD_TTL_SECONDS_MAX} s)`,
  },
  maxPerUser: {
    env: 'BOXOFFICE_MAX_PER_USER',
    flag: 'max-per-user',
    fallback: '10',
    parse: integerIn(1, MAX_PER_USER_MAX),
    about: 'per-user limit of events that set none',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    flag: 'log-level',
    fallback: 'info',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    about: 'pino log level',
  },
} as const;

export const settingFlags = Object.values(SETTINGS).map((setting) => setting.flag);

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  flags: Readonly<Record<string, string | undefined>> = {},
): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS)) {
    const raw = flags[setting.flag] ?? env[setting.env] ?? setting.fallback;
    const parsed = setting.parse(raw);
    if (typeof parsed === 'object')
      problems.push(`${setting.env} (--${setting.flag}) = "${raw}": ${parsed.problem}`);
    else values[name] = parsed;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const adminTokenGenerated = values.adminToken === '';
  if (adminTokenGenerated) values.adminToken = randomBytes(24).toString('base64url');
  return Object.freeze({ ...values, adminTokenGenerated }) as Config;
}

/** The README's configuration table, generated from SETTINGS so it cannot drift. */
export function configTable(): string {
  const lines = ['| variable | flag | default | meaning |', '|---|---|---|---|'];
  for (const setting of Object.values(SETTINGS)) {
    const fallback = setting.fallback === '' ? '(generated)' : `\`${setting.fallback}\``;
    lines.push(`| \`${setting.env}\` | \`--${setting.flag}\` | ${fallback} | ${setting.about} |`);
  }
  return lines.join('\n');
}

type Parsed<T> = T | { problem: string };

function integerIn(min: number, max: number): (raw: string) => Parsed<number> {
  return (raw) => {
    const value = Number(raw);
    if (!/^[0-9]+$/.test(raw) || value < min || value > max)
      return { problem: `must be a whole number from ${min} to ${max}` };
    return value;
  };
}

function nonEmpty(raw: string): Parsed<string> {
  return raw.trim() === '' ? { problem: 'must not be empty' } : raw;
}

function token(raw: string): Parsed<string> {
  if (raw === '') return raw;
  return raw.length < 16 || /\s/.test(raw)
    ? { problem: 'must be at least 16 characters without spaces' }
    : raw;
}

function oneOf(allowed: readonly string[]): (raw: string) => Parsed<string> {
  return (raw) => (allowed.includes(raw) ? raw : { problem: `must be one of ${allowed.join(', ')}` });
}
