// The distributed shape assembled: Redis gate (one node or a cluster), PostgreSQL store, live changes from
// the event log streams, and optionally a projector in this process. Any number of such processes run
// behind a load balancer; they share nothing but Redis and PostgreSQL.
import { hostname } from 'node:os';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AccessSettings } from './auth/access.js';
import { redisRevocations } from './auth/revocations.js';
import type { EventDefaults } from './domain/event-spec.js';
import { connectRedis, connectSubscriber, type RedisTarget } from './gate/redis/connect.js';
import { RedisGate } from './gate/redis/redis-gate.js';
import type { RedisClient } from './gate/redis/scripts.js';
import { withUnavailableErrors } from './gate/redis/unavailable.js';
import { buildApp } from './http/app.js';
import { RedisFeed } from './live/redis-feed.js';
import { registerEventGauges } from './metrics/event-gauges.js';
import { instrumentGate } from './metrics/instrumented-gate.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { createProjectorMetrics } from './metrics/projector-metrics.js';
import { Projector } from './projector/projector.js';
import { auditStream } from './service/audit.js';
import { Reservations } from './service/reservations.js';
import { Sweeper } from './service/sweeper.js';
import { migrate } from './store/migrate.js';
import { PostgresDriver } from './store/postgres/postgres-driver.js';
import { SqlStore } from './store/sql-store.js';

export interface DistributedOptions {
  readonly redis: RedisTarget;
  readonly databaseUrl: string;
  readonly adminToken: string;
  readonly defaults: EventDefaults;
  readonly sweepIntervalMs: number;
  readonly projector: boolean;
  readonly soldOutCache: boolean;
  readonly claimIdleMs?: number;
  readonly logger?: FastifyBaseLogger;
  /** Buyer verification and credentials; default `open`. */
  readonly access?: AccessSettings;
  /** Tests: decide with this clock instead of Redis's TIME. */
  readonly clock?: () => number;
}

export interface Distributed {
  readonly app: FastifyInstance;
  readonly gate: RedisGate;
  readonly redis: RedisClient;
  readonly store: SqlStore;
  readonly reservations: Reservations;
  readonly sweeper: Sweeper;
  readonly projector?: Projector;
  readonly metrics: Metrics;
  /** Starts the sweeper and the in-process projector. */
  start(): void;
  close(): Promise<void>;
}

export async function assembleDistributed(options: DistributedOptions): Promise<Distributed> {
  const { logger } = options;
  const driver = new PostgresDriver(options.databaseUrl);
  await migrate(driver);
  const store = new SqlStore(driver);
  const redis = connectRedis(options.redis, 'gate');
  const subscriber = options.soldOutCache ? connectSubscriber(options.redis) : undefined;
  const logRedisError = (error: unknown) => logger?.warn({ err: error }, 'redis connection error');
  redis.on('error', logRedisError);
  subscriber?.on('error', logRedisError);
  const gate = new RedisGate({
    redis,
    store,
    soldOutCache: options.soldOutCache,
    subscriber,
    useCommandTime: options.clock !== undefined,
  });
  await rebuildLostEvents(gate, store, logger);
  const metrics = createMetrics();
  const timedGate = instrumentGate(withUnavailableErrors(gate), metrics);
  registerEventGauges(metrics.registry, gate);
  const clock = options.clock ?? Date.now;
  const reservations = new Reservations({
    gate: timedGate,
    store,
    clock,
    defaults: options.defaults,
    metrics,
    recentEnding: (holdId) => gate.recentEnding(holdId),
  });
  // A connection of its own: a subscribed connection can send nothing else.
  const revocationSubscriber = connectSubscriber(options.redis);
  revocationSubscriber.on('error', logRedisError);
  const feed = RedisFeed.over(redis, (error) => logger?.warn({ err: error }, 'live feed error'));
  const app = await buildApp({
    reservations,
    gate: timedGate,
    store,
    metrics,
    adminToken: options.adminToken,
    logger,
    feed,
    audit: (eventId) => auditStream(eventId, gate, store),
    accessSettings: options.access,
    revocations: redisRevocations(redis, revocationSubscriber),
  });
  const sweeper = new Sweeper(reservations, options.sweepIntervalMs, logger);
  const projectorMetrics = options.projector ? createProjectorMetrics(metrics.registry) : undefined;
  const projector = options.projector
    ? new Projector({
        redis,
        store,
        consumer: `${hostname()}-${process.pid}-api`,
        claimIdleMs: options.claimIdleMs,
        metrics: projectorMetrics,
        logger,
      })
    : undefined;
  if (projector !== undefined) projectorMetrics?.watchBacklog(() => projector.unprojected());
  return {
    app,
    gate,
    redis,
    store,
    reservations,
    sweeper,
    projector,
    metrics,
    start() {
      sweeper.start();
      void projector?.start();
    },
    async close() {
      sweeper.stop();
      await app.close();
      feed.close();
      await projector?.stop();
      subscriber?.disconnect();
      redis.disconnect();
      await store.close();
    },
  };
}

/** At start: every event the store knows must be in Redis; an event whose keys are gone is rebuilt. */
async function rebuildLostEvents(
  gate: RedisGate,
  store: SqlStore,
  logger?: FastifyBaseLogger,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await store.listEvents(500, cursor);
    for (const spec of page.items) {
      const result = await gate.rebuild(spec.id);
      if (result === 'rebuilt')
        logger?.warn({ eventId: spec.id }, 'event rebuilt in Redis from the store and the log');
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}
