// The only reader of process.env. Configuration comes from the environment and from CLI flags (flags win),
// is validated once with every bad value reported together, and is frozen.
import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { algorithmOf } from './auth/buyer-key.js';
import { HOLD_TTL_SECONDS_MAX, HOLD_TTL_SECONDS_MIN, MAX_PER_USER_MAX } from './domain/limits.js';
import { REDIS_PERSISTENCE_MODES } from './gate/redis/persistence.js';
import { SERVER_LIMITS_DEFAULT, type ServerLimits } from './http/server-limits.js';
import { LIVE_CONNECTIONS_MAX, LIVE_CONNECTIONS_PER_ADDRESS_DEFAULT } from './live/limits.js';
import { DURABILITY_MODES, LOG_MAX_BYTES_DEFAULT, LOG_MAX_BYTES_MIN } from './log/file/file-log.js';
import { PROJECTION_THREAD_DEFAULT, PROJECTION_THREAD_MODES } from './projector/embedded/projection-mode.js';
import { DISTRIBUTED_LANES_DEFAULT } from './projector/projector.js';
import { parseRateLimit } from './ratelimit/limit-spec.js';
import { STORE_CACHE_MB_DEFAULT } from './store/pglite/pglite-driver.js';

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
  durability: {
    env: 'BOXOFFICE_DURABILITY',
    flag: 'durability',
    fallback: 'process',
    parse: oneOf([...DURABILITY_MODES]),
    about:
      'embedded shape: `process` answers once the batch is written to the log file (a crash of the process loses nothing); `power` also fdatasyncs it (a power cut loses nothing)',
  },
  logMaxBytes: {
    env: 'BOXOFFICE_LOG_MAX_BYTES',
    flag: 'log-max-bytes',
    fallback: String(LOG_MAX_BYTES_DEFAULT),
    parse: integerIn(LOG_MAX_BYTES_MIN, 2 ** 40),
    about:
      'embedded shape: bound of the log file on disk; when projection into the store falls this far behind, placements wait (503 `store_unavailable` after 10 s)',
  },
  storeCacheMb: {
    env: 'BOXOFFICE_STORE_CACHE_MB',
    flag: 'store-cache-mb',
    fallback: String(STORE_CACHE_MB_DEFAULT),
    parse: integerIn(1, 16_384),
    about:
      "embedded shape: PGlite's page cache (Postgres's shared_buffers) in MB; it stays in the process's memory for good, and pages outside it are read from the data dir's files: 16 keeps ~150 MiB less resident at ~10 % fewer accepted holds per second",
  },
  projectionThread: {
    env: 'BOXOFFICE_PROJECTION_THREAD',
    flag: 'projection-thread',
    fallback: PROJECTION_THREAD_DEFAULT,
    parse: oneOf([...PROJECTION_THREAD_MODES]),
    about:
      "embedded shape: where PGlite and the projection of the log into it run: `worker` (a thread of their own, so they do not take CPU from requests) or `main` (the requests' thread); see docs/benchmarks.md",
  },
  projectionNice: {
    env: 'BOXOFFICE_PROJECTION_NICE',
    flag: 'projection-nice',
    fallback: '0',
    parse: integerIn(0, 19),
    about:
      'embedded shape, projection thread `worker`: its scheduling niceness (0–19). 19 gave ~13 % more accepted holds on a 2-core box, but on a saturated box the projection then waits, and reads wait for it (up to 5 s, then 503); see docs/benchmarks.md',
  },
  adminToken: {
    env: 'BOXOFFICE_ADMIN_TOKEN',
    secret: true,
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
  redisUrl: {
    env: 'REDIS_URL',
    flag: 'redis-url',
    fallback: '',
    parse: optionalUrl(['redis:', 'rediss:']),
    about: 'distributed shape: the Redis gate (with `DATABASE_URL`), e.g. `redis://127.0.0.1:6379`',
  },
  redisClusterNodes: {
    env: 'REDIS_CLUSTER_NODES',
    flag: 'redis-cluster-nodes',
    fallback: '',
    parse: hostPortList,
    about: 'distributed shape on a Redis Cluster: `host:port,host:port,…` (instead of `REDIS_URL`)',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    flag: 'database-url',
    fallback: '',
    parse: optionalUrl(['postgres:', 'postgresql:']),
    about: 'distributed shape: the PostgreSQL store, e.g. `postgres://postgres@127.0.0.1:5432/boxoffice`',
  },
  projector: {
    env: 'BOXOFFICE_PROJECTOR',
    flag: 'projector',
    fallback: 'in-process',
    parse: oneOf(['in-process', 'off']),
    about:
      'distributed shape: `in-process` runs a projector in the API process; `off` when `boxoffice worker`s run',
  },
  soldOutCache: {
    env: 'BOXOFFICE_SOLD_OUT_CACHE',
    flag: 'sold-out-cache',
    fallback: 'on',
    parse: oneOf(['on', 'off']),
    about: 'distributed shape: reject sold-out pools/sections locally until stock returns',
  },
  metricsPort: {
    env: 'BOXOFFICE_METRICS_PORT',
    flag: 'metrics-port',
    fallback: '9464',
    parse: integerIn(0, 65_535),
    about: '`boxoffice worker`: port of its Prometheus `/metrics` (the API serves it on `PORT`)',
  },
  metricsHost: {
    env: 'BOXOFFICE_METRICS_HOST',
    flag: 'metrics-host',
    fallback: '127.0.0.1',
    parse: nonEmpty,
    about: '`boxoffice worker`: address of its `/metrics`',
  },
  consumer: {
    env: 'BOXOFFICE_PROJECTOR_CONSUMER',
    flag: 'consumer',
    fallback: '',
    parse: optionalText,
    about: '`boxoffice worker`: its name in the consumer group; unique per live worker (default host-pid)',
  },
  claimIdleMs: {
    env: 'BOXOFFICE_PROJECTOR_CLAIM_IDLE_MS',
    flag: 'claim-idle-ms',
    fallback: '30000',
    parse: integerIn(100, 600_000),
    about: 'projectors take over log entries another worker left unacknowledged this long (it died)',
  },
  projectorLanes: {
    env: 'BOXOFFICE_PROJECTOR_LANES',
    flag: 'projector-lanes',
    fallback: String(DISTRIBUTED_LANES_DEFAULT),
    parse: integerIn(1, 8),
    about:
      'distributed projectors: batches each one commits at once (PostgreSQL connections it holds while it does)',
  },
  headersTimeoutMs: {
    env: 'BOXOFFICE_HEADERS_TIMEOUT_MS',
    flag: 'headers-timeout-ms',
    fallback: String(SERVER_LIMITS_DEFAULT.headersTimeoutMs),
    parse: integerIn(100, 300_000),
    about:
      'a request line and headers not received within this long get 408 `request_timeout` (cuts slow clients)',
  },
  requestTimeoutMs: {
    env: 'BOXOFFICE_REQUEST_TIMEOUT_MS',
    flag: 'request-timeout-ms',
    fallback: String(SERVER_LIMITS_DEFAULT.requestTimeoutMs),
    parse: integerIn(100, 600_000),
    about: 'a whole request (body included) not received within this long gets 408; ≥ the headers timeout',
  },
  keepAliveTimeoutMs: {
    env: 'BOXOFFICE_KEEP_ALIVE_TIMEOUT_MS',
    flag: 'keep-alive-timeout-ms',
    fallback: String(SERVER_LIMITS_DEFAULT.keepAliveTimeoutMs),
    parse: integerIn(100, 600_000),
    about:
      'an idle keep-alive connection is closed after this long (keep a proxy’s upstream keep-alive below it)',
  },
  socketIdleTimeoutMs: {
    env: 'BOXOFFICE_SOCKET_IDLE_TIMEOUT_MS',
    flag: 'socket-idle-timeout-ms',
    fallback: String(SERVER_LIMITS_DEFAULT.socketIdleTimeoutMs),
    parse: integerIn(100, 3_600_000),
    about: 'a connection on which nothing moves for this long is closed (live WebSockets excepted)',
  },
  connectionsMax: {
    env: 'BOXOFFICE_CONNECTIONS_MAX',
    flag: 'connections-max',
    fallback: String(SERVER_LIMITS_DEFAULT.connectionsMax),
    parse: integerIn(1, 1_000_000),
    about: 'connections open at once, live WebSockets included; more are closed on arrival',
  },
  redisPersistence: {
    env: 'BOXOFFICE_REDIS_PERSISTENCE',
    flag: 'redis-persistence',
    fallback: 'aof',
    parse: oneOf([...REDIS_PERSISTENCE_MODES]),
    about:
      'distributed shape: `aof` refuses a Redis that does not report `appendonly yes` (at start and at every reconnect); `managed` accepts one whose CONFIG is disabled; `volatile` accepts any, with a warning (tests, trials)',
  },
  liveConnectionsPerAddress: {
    env: 'BOXOFFICE_LIVE_CONNECTIONS_PER_ADDRESS',
    flag: 'live-connections-per-address',
    fallback: String(LIVE_CONNECTIONS_PER_ADDRESS_DEFAULT),
    parse: integerIn(1, LIVE_CONNECTIONS_MAX),
    about: `live WebSocket connections one client address may hold on one instance (1–${LIVE_CONNECTIONS_MAX}); the next upgrade is 429 \`too_many_connections\``,
  },
  // The defaults are set so that one honest person never meets them during an on-sale: a buyer's page
  // makes a handful of requests a minute (event, seat map, hold, confirm, a retry of a taken seat).
  rateLimitPerIp: {
    env: 'BOXOFFICE_RATE_LIMIT_PER_IP',
    flag: 'rate-limit-per-ip',
    // 20/s per address: room for a household or an office behind one NAT address, and their retries;
    // a script hammering from one address is cut to 20 requests a second.
    fallback: '1200/60s',
    parse: parseRateLimit,
    about:
      'requests per client address, every route but `/healthz`, `/readyz`, `/metrics`: `<count>/<seconds>s` or `off` ([docs/rate-limits.md](docs/rate-limits.md))',
  },
  rateLimitPerBuyer: {
    env: 'BOXOFFICE_RATE_LIMIT_PER_BUYER',
    flag: 'rate-limit-per-buyer',
    // One placement every 2 s for a whole minute: more than anyone clicks by hand, far less than a bot.
    fallback: '30/60s',
    parse: parseRateLimit,
    about: 'holds and orders per buyer, from any address: `<count>/<seconds>s` or `off`',
  },
  rateLimitPerKey: {
    env: 'BOXOFFICE_RATE_LIMIT_PER_KEY',
    flag: 'rate-limit-per-key',
    // 2,000/s per sales or admin key: a backend speaks for all its buyers, so it is not limited per
    // address or buyer; 20,000 seats sold to 200,000 buyers in minutes stays under it, while a runaway
    // retry loop in one backend is cut off before it takes the whole engine.
    fallback: '120000/60s',
    parse: parseRateLimit,
    about:
      'requests per sales or admin API key (instead of per address and per buyer): `<count>/<seconds>s` or `off`',
  },
  trustProxy: {
    env: 'BOXOFFICE_TRUST_PROXY',
    flag: 'trust-proxy',
    fallback: 'off',
    parse: trustProxy,
    about:
      '`on` behind nginx (deploy/nginx.conf): the client address is the one the proxy appended to `X-Forwarded-For`; a number trusts that many proxies in a row; `off` trusts no header',
  },
  buyerAuth: {
    env: 'BOXOFFICE_BUYER_AUTH',
    flag: 'buyer-auth',
    fallback: '',
    parse: oneOf(['', 'open', 'verified']),
    about:
      '`verified`: placements and hold/order/ticket routes need a buyer token, a sales key or an admin credential; `open`: any caller names any `userId`. Unset: `open` on a loopback `HOST`; on any other address the server refuses to start',
  },
  buyerJwtSecret: {
    env: 'BOXOFFICE_BUYER_JWT_SECRET',
    secret: true,
    flag: 'buyer-jwt-secret',
    fallback: '',
    parse: secret,
    about: 'buyer tokens signed HS256 with this shared secret (≥ 32 characters)',
  },
  buyerJwtPublicKeyPem: {
    env: 'BOXOFFICE_BUYER_JWT_PUBLIC_KEY',
    flag: 'buyer-jwt-public-key',
    fallback: '',
    parse: publicKeyFile,
    about:
      'buyer tokens verified with this PEM public key file: RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA)',
  },
  buyerJwksUrl: {
    env: 'BOXOFFICE_BUYER_JWKS_URL',
    flag: 'buyer-jwks-url',
    fallback: '',
    parse: optionalUrl(['https:', 'http:']),
    about:
      "buyer tokens verified with the platform's JSON Web Key Set at this URL (fetched with a 3 s timeout, cached)",
  },
  buyerJwtIssuer: {
    env: 'BOXOFFICE_BUYER_JWT_ISSUER',
    flag: 'buyer-jwt-issuer',
    fallback: '',
    parse: optionalText,
    about: 'when set, buyer tokens must carry this `iss`',
  },
  buyerJwtAudience: {
    env: 'BOXOFFICE_BUYER_JWT_AUDIENCE',
    flag: 'buyer-jwt-audience',
    fallback: '',
    parse: optionalText,
    about: 'when set, buyer tokens must carry this `aud`',
  },
  buyerJwtClockToleranceSeconds: {
    env: 'BOXOFFICE_BUYER_JWT_CLOCK_TOLERANCE_SECONDS',
    flag: 'buyer-jwt-clock-tolerance-seconds',
    fallback: '5',
    parse: integerIn(0, 300),
    about: 'seconds of clock difference allowed when checking `exp` and `nbf` (0–300)',
  },
  metricsToken: {
    env: 'BOXOFFICE_METRICS_TOKEN',
    secret: true,
    flag: 'metrics-token',
    fallback: '',
    parse: token,
    about: 'when set, `/metrics` needs `Authorization: Bearer <this>` (≥ 16 characters); unset: open',
  },
  webhooksKey: {
    env: 'BOXOFFICE_WEBHOOKS_KEY',
    secret: true,
    flag: 'webhooks-key',
    fallback: '',
    parse: webhooksKey,
    about:
      'seals webhook signing secrets in the store (AES-256-GCM): 32 bytes in base64 (`openssl rand -base64 32`). Unset: the embedded shape makes one in its data directory; the distributed shape needs it for webhooks',
  },
  webhooksAllowPrivate: {
    env: 'BOXOFFICE_WEBHOOKS_ALLOW_PRIVATE',
    flag: 'webhooks-allow-private',
    fallback: 'false',
    parse: trueOrFalse,
    about:
      '`true`: webhook URLs may reach loopback, private and link-local addresses (a receiver on the same private network); `false` refuses them, at registration and at every send',
  },
  queueSecret: {
    env: 'BOXOFFICE_QUEUE_SECRET',
    secret: true,
    flag: 'queue-secret',
    fallback: '',
    parse: secret,
    about:
      'signs waiting room passes (HMAC-SHA256, ≥ 32 characters); unset: generated once and kept in the data dir (embedded) or in Redis (distributed)',
  },
  queueAbandonSeconds: {
    env: 'BOXOFFICE_QUEUE_ABANDON_SECONDS',
    flag: 'queue-abandon-seconds',
    fallback: '60',
    parse: integerIn(10, 3_600),
    about:
      'a waiting buyer not heard from this long (no status call, no open live connection) loses its place (10–3600 s)',
  },
} as const;

type Settings = typeof SETTINGS;
export type SettingName = keyof Settings;

/** What each setting's parser yields for a good value. */
type SettingValues = {
  readonly [Name in SettingName]: Exclude<ReturnType<Settings[Name]['parse']>, { problem: string }>;
};

/** Fields of Config worked out from the settings rather than taken as parsed. */
interface DerivedSettings {
  /** true when no token was configured and one was generated for this run (printed once at start). */
  readonly adminTokenGenerated: boolean;
  /** Distributed shape: reject sold-out pools and sections locally until stock returns. */
  readonly soldOutCache: boolean;
  /** Timeouts and the connection bound of the API's HTTP server. */
  readonly serverLimits: ServerLimits;
  /** `verified`: buyers prove who they are (docs/security.md). */
  readonly buyerAuth: 'open' | 'verified';
  /** false when BOXOFFICE_BUYER_AUTH was not set and `open` is only the loopback default. */
  readonly buyerAuthExplicit: boolean;
  /** `embedded` (PGlite, memory gate) unless Redis and PostgreSQL are both given. */
  readonly shape: 'embedded' | 'distributed';
}

/**
 * The settings as loaded: each parsed value of SETTINGS under its name (see there for what each means),
 * except those folded into `serverLimits` or replaced by a derived field.
 */
export type Config = Omit<SettingValues, keyof ServerLimits | keyof DerivedSettings> & DerivedSettings;

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
  const parsedValues: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS)) {
    const raw = flags[setting.flag] ?? env[setting.env] ?? setting.fallback;
    const parsed = setting.parse(raw);
    if (typeof parsed === 'object' && 'problem' in parsed)
      // A secret's value is never echoed: error output ends up in logs.
      problems.push(
        `${setting.env} (--${setting.flag}) = ${'secret' in setting ? '(hidden)' : `"${raw}"`}: ${parsed.problem}`,
      );
    else parsedValues[name] = parsed;
  }
  // Each name holds its own parser's result: a missing one was reported as a problem above.
  const values = parsedValues as Partial<SettingValues>;
  const clusterNodes = values.redisClusterNodes ?? [];
  const redisGiven = (values.redisUrl ?? '') !== '' || clusterNodes.length > 0;
  if ((values.redisUrl ?? '') !== '' && clusterNodes.length > 0)
    problems.push('REDIS_URL and REDIS_CLUSTER_NODES: give one of them, not both');
  if (redisGiven !== ((values.databaseUrl ?? '') !== ''))
    problems.push(
      'the distributed shape needs both Redis (REDIS_URL or REDIS_CLUSTER_NODES) and DATABASE_URL; give both, or neither for the embedded shape',
    );
  if ((values.headersTimeoutMs ?? 0) > (values.requestTimeoutMs ?? 0))
    problems.push('BOXOFFICE_HEADERS_TIMEOUT_MS must not be longer than BOXOFFICE_REQUEST_TIMEOUT_MS');
  const buyerKeys = [values.buyerJwtSecret, values.buyerJwtPublicKeyPem, values.buyerJwksUrl];
  if (buyerKeys.filter((value) => (value ?? '') !== '').length > 1)
    problems.push(
      'BOXOFFICE_BUYER_JWT_SECRET, BOXOFFICE_BUYER_JWT_PUBLIC_KEY and BOXOFFICE_BUYER_JWKS_URL: give at most one',
    );
  if (problems.length > 0) throw new ConfigError(problems);
  const parsed = values as SettingValues;
  const buyerAuthExplicit = parsed.buyerAuth !== '';
  const buyerAuth = parsed.buyerAuth === '' ? 'open' : parsed.buyerAuth;
  const adminTokenGenerated = parsed.adminToken === '';
  // Hex, not base64url: the token printed at start is given back as `--admin-token <token>`, and one in 64
  // base64url tokens starts with `-`, which the flag parser takes for a flag.
  const adminToken = adminTokenGenerated ? randomBytes(24).toString('hex') : parsed.adminToken;
  const shape = redisGiven ? 'distributed' : 'embedded';
  const consumer = parsed.consumer === '' ? `${hostname()}-${process.pid}` : parsed.consumer;
  const soldOutCache = parsed.soldOutCache === 'on';
  const serverLimits: ServerLimits = Object.freeze({
    headersTimeoutMs: parsed.headersTimeoutMs,
    requestTimeoutMs: parsed.requestTimeoutMs,
    keepAliveTimeoutMs: parsed.keepAliveTimeoutMs,
    socketIdleTimeoutMs: parsed.socketIdleTimeoutMs,
    connectionsMax: parsed.connectionsMax,
  });
  const config: Config = {
    ...parsed,
    adminToken,
    buyerAuth,
    consumer,
    soldOutCache,
    shape,
    adminTokenGenerated,
    buyerAuthExplicit,
    serverLimits,
  };
  return Object.freeze(config);
}

/** Loopback addresses: a server there is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Why `serve` must not start with this configuration, in one line, or undefined. Buyers are unverified in
 * `open` mode: that is the default only where nobody else can reach the server.
 */
export function serveRefusal(config: Config): string | undefined {
  if (config.buyerAuthExplicit || isLoopback(config.host)) return undefined;
  return `HOST=${config.host} is not a loopback address and BOXOFFICE_BUYER_AUTH is unset: set BOXOFFICE_BUYER_AUTH=verified (or =open to serve unverified buyers on purpose); see docs/security.md`;
}

/** The README's configuration table, generated from SETTINGS so it cannot drift. */
export function configTable(): string {
  const lines = ['| variable | flag | default | meaning |', '|---|---|---|---|'];
  for (const setting of Object.values(SETTINGS)) {
    const fallback = setting.fallback !== '' ? `\`${setting.fallback}\`` : unsetMeaning(setting.env);
    lines.push(`| \`${setting.env}\` | \`--${setting.flag}\` | ${fallback} | ${setting.about} |`);
  }
  return lines.join('\n');
}

/**
 * The flags of a command's usage text, from SETTINGS: each named setting's flag, variable, default and
 * meaning, in the words of the README's table (as plain text).
 */
export function settingsUsage(names: readonly SettingName[]): string {
  const plain = (text: string) => text.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replaceAll('`', '');
  return names
    .map((name) => {
      const setting = SETTINGS[name];
      const fallback = setting.fallback !== '' ? setting.fallback : unsetMeaning(setting.env).slice(1, -1);
      return `  --${setting.flag} <value>  (${setting.env}, default: ${plain(fallback)})\n      ${plain(setting.about)}\n`;
    })
    .join('');
}

/** The flags of the named settings as `util.parseArgs` options. */
export function settingsFlagOptions(
  names: readonly SettingName[],
): Record<string, { readonly type: 'string' }> {
  return Object.fromEntries(names.map((name) => [SETTINGS[name].flag, { type: 'string' as const }]));
}

/** What an empty default means, for the settings whose empty default is not simply "unset". */
function unsetMeaning(env: string): string {
  if (env === 'BOXOFFICE_ADMIN_TOKEN') return '(generated)';
  if (env === 'BOXOFFICE_BUYER_AUTH') return '(`open` on loopback)';
  return '(unset)';
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

function secret(raw: string): Parsed<string> {
  if (raw === '') return raw;
  return raw.length < 32 ? { problem: 'must be at least 32 characters' } : raw;
}

function publicKeyFile(raw: string): Parsed<string> {
  if (raw === '') return raw;
  try {
    const pem = readFileSync(raw, 'utf8');
    algorithmOf(createPublicKey(pem));
    return pem;
  } catch (error) {
    return { problem: `must be a readable PEM public key file (${(error as Error).message})` };
  }
}

function optionalUrl(protocols: readonly string[]): (raw: string) => Parsed<string> {
  return (raw) => {
    if (raw === '') return raw;
    try {
      if (protocols.includes(new URL(raw).protocol)) return raw;
    } catch {}
    return { problem: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` };
  };
}

function hostPortList(raw: string): Parsed<readonly string[]> {
  if (raw.trim() === '') return [];
  const nodes = raw.split(',').map((node) => node.trim());
  const bad = nodes.find((node) => !/^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(node));
  return bad === undefined ? nodes : { problem: `"${bad}" is not host:port` };
}

function optionalText(raw: string): Parsed<string> {
  return /\s/.test(raw) ? { problem: 'must not contain spaces' } : raw;
}

/** Hops of proxies whose X-Forwarded-For entries are believed: more than this is a misconfiguration. */
const TRUST_PROXY_HOPS_MAX = 16;

function trustProxy(raw: string): Parsed<false | number> {
  if (raw === 'off') return false;
  if (raw === 'on') return 1;
  const hops = Number(raw);
  return /^[0-9]{1,2}$/.test(raw) && hops >= 1 && hops <= TRUST_PROXY_HOPS_MAX
    ? hops
    : { problem: `must be off, on, or a number of proxies from 1 to ${TRUST_PROXY_HOPS_MAX}` };
}

function webhooksKey(raw: string): Parsed<string> {
  if (raw === '') return raw;
  return Buffer.from(raw, 'base64').length === 32 ? raw : { problem: 'must be 32 bytes in base64' };
}

function trueOrFalse(raw: string): Parsed<boolean> {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return { problem: 'must be true or false' };
}

function oneOf<const Allowed extends string>(allowed: readonly Allowed[]): (raw: string) => Parsed<Allowed> {
  return (raw) =>
    (allowed as readonly string[]).includes(raw)
      ? (raw as Allowed)
      : { problem: `must be one of ${allowed.join(', ')}` };
}
