// Whether the distributed shape may run on this Redis. A 2xx is sent once the deciding script has run, so an
// acknowledged decision is only as durable as Redis's memory until it is projected: without the append-only
// file a Redis restart loses every decision not yet projected, and the store cannot bring them back. So the
// API refuses to start on a Redis that does not report `appendonly yes` (CONFIG GET, on every master of a
// cluster), and checks again at every reconnect (the Redis that comes back may not be the one that left),
// unless BOXOFFICE_REDIS_PERSISTENCE says otherwise:
// - `aof` (default): AOF must be reported on; a Redis that will not say (CONFIG disabled or renamed) is refused;
// - `managed`: for a managed Redis whose CONFIG command is disabled: when it cannot be read, the operator's
//   word that the service persists is taken (logged at start); a Redis that says `appendonly no` is refused;
// - `volatile`: any Redis is accepted, with a warning at start: tests, benchmarks, trials.
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './scripts.js';

export const REDIS_PERSISTENCE_MODES = ['aof', 'managed', 'volatile'] as const;
export type RedisPersistenceMode = (typeof REDIS_PERSISTENCE_MODES)[number];

/** What the Redis nodes said: every one `yes`, some `no`, or some would not say (CONFIG refused). */
export type RedisPersistence = 'aof' | 'volatile' | 'unknown';

export class RedisPersistenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisPersistenceError';
  }
}

async function appendOnlyOf(node: Redis): Promise<RedisPersistence> {
  let reply: unknown;
  try {
    reply = await node.config('GET', 'appendonly');
  } catch (error) {
    // A managed Redis answers "unknown command" or NOPERM; being unreachable is another matter.
    if (error instanceof Error && error.name === 'ReplyError') return 'unknown';
    throw error;
  }
  const value = Array.isArray(reply) ? reply[1] : undefined;
  if (value === 'yes') return 'aof';
  return value === 'no' ? 'volatile' : 'unknown';
}

/** The persistence of a Redis: of every master node of a cluster, the weakest. */
export async function redisPersistence(redis: RedisClient): Promise<RedisPersistence> {
  const nodes = 'nodes' in redis ? (redis as Cluster).nodes('master') : [redis as Redis];
  const found = await Promise.all(nodes.map(appendOnlyOf));
  if (found.includes('volatile')) return 'volatile';
  return found.includes('unknown') ? 'unknown' : 'aof';
}

/** Why this Redis must not be used in this mode, or undefined when it may. */
export function persistenceProblem(found: RedisPersistence, mode: RedisPersistenceMode): string | undefined {
  if (found === 'aof' || mode === 'volatile') return undefined;
  if (found === 'volatile')
    return (
      'Redis runs without its append-only file (CONFIG GET appendonly: no): a Redis restart would lose ' +
      'acknowledged holds and orders not yet projected. Turn it on (appendonly yes), or set ' +
      'BOXOFFICE_REDIS_PERSISTENCE=volatile to accept that (tests, trials).'
    );
  if (mode === 'managed') return undefined;
  return (
    'Redis does not say whether it persists (CONFIG GET appendonly was refused, as on managed Redis). If the ' +
    'service keeps an append-only file, set BOXOFFICE_REDIS_PERSISTENCE=managed; to run without one, volatile.'
  );
}

/** Resolves when the Redis may be used, with a warning to log, if any; rejects when it may not. */
export async function checkPersistence(
  redis: RedisClient,
  mode: RedisPersistenceMode,
): Promise<string | undefined> {
  const found = await redisPersistence(redis);
  const problem = persistenceProblem(found, mode);
  if (problem !== undefined) throw new RedisPersistenceError(problem);
  if (found === 'volatile')
    return 'REDIS RUNS WITHOUT PERSISTENCE (BOXOFFICE_REDIS_PERSISTENCE=volatile): a Redis restart loses every acknowledged decision not yet projected; events it lost stop selling until `boxoffice reconcile`.';
  if (found === 'unknown')
    return 'Redis does not say whether it persists; running on the word of BOXOFFICE_REDIS_PERSISTENCE=managed.';
  return undefined;
}
