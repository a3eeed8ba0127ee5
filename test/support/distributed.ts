// A fresh distributed boxoffice for one test: a private redis-server (or a given one / a cluster), a
// throwaway PostgreSQL database, and the distributed assembly with an in-process projector.
import type { AccessSettings } from '../../src/auth/access.js';
import { assembleDistributed, type Distributed } from '../../src/distributed.js';
import type { RedisTarget } from '../../src/gate/redis/connect.js';
import type { QueueOptions } from '../../src/queue/assemble-queue.js';
import type { CallerIdentity, RateLimitSettings } from '../../src/ratelimit/rate-limits.js';
import { postgresAvailable, type ThrowawayDatabase, throwawayDatabase } from './postgres.js';
import { type RedisServer, redisAvailable, startRedis } from './redis-server.js';

export { ADMIN_TOKEN, admin, eventBody, manualClock, uniqueEventId } from './embedded.js';

export interface TestDistributed extends Distributed {
  readonly redisServer?: RedisServer;
  readonly database: ThrowawayDatabase;
  /** Waits until the projector has stored every log entry of the event. */
  settle(eventId: string, timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

export interface DistributedStartOptions {
  readonly redis?: RedisTarget;
  readonly databaseUrl?: string;
  readonly clock?: () => number;
  readonly projector?: boolean;
  readonly soldOutCache?: boolean;
  readonly sweepIntervalMs?: number;
  readonly rateLimits?: RateLimitSettings & CallerIdentity;
  readonly trustProxy?: false | number;
  /** Buyer verification and credentials (default `open`). */
  readonly access?: AccessSettings;
  /** The waiting room's test knobs (seeded draw, manual admission steps). */
  readonly queue?: QueueOptions;
  readonly queueSecret?: string;
}

/** Redis and PostgreSQL both present (required under CI=true). */
export async function distributedAvailable(): Promise<boolean> {
  return redisAvailable() && (await postgresAvailable());
}

export async function startDistributed(options: DistributedStartOptions = {}): Promise<TestDistributed> {
  const redisServer = options.redis === undefined ? await startRedis() : undefined;
  const database = options.databaseUrl === undefined ? await throwawayDatabase() : undefined;
  const shape = await assembleDistributed({
    redis: options.redis ?? { url: redisServer?.url },
    databaseUrl: options.databaseUrl ?? (database as ThrowawayDatabase).url,
    adminToken: 'test-admin-token-0123456789',
    defaults: { holdTtlSeconds: 300, maxPerUser: 10 },
    sweepIntervalMs: options.sweepIntervalMs ?? 1000,
    projector: options.projector ?? true,
    soldOutCache: options.soldOutCache ?? true,
    clock: options.clock,
    // Private test Redis servers run without AOF.
    redisPersistence: 'volatile',
    rateLimits: options.rateLimits,
    trustProxy: options.trustProxy,
    access: options.access,
    queue: options.queue,
    queueSecret: options.queueSecret,
  });
  shape.start();
  return {
    ...shape,
    redisServer,
    database: database ?? { url: options.databaseUrl as string, drop: async () => {} },
    async settle(eventId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const report = await shape.gate.tailStart(eventId).then((start) => shape.gate.view(eventId, start));
        const tail = report?.tail ?? [];
        if (tail.length === 0) return;
        if (Date.now() > deadline)
          throw new Error(`projection of ${eventId} did not settle: ${tail.length} entries left`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async dispose() {
      await shape.close();
      await database?.drop();
      await redisServer?.stop();
    },
  };
}
