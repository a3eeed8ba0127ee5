// The distributed shape assembled: Redis gate (one node or a cluster), PostgreSQL store, live changes from
// the event log streams, and optionally a projector in this process. Any number of such processes run
// behind a load balancer; they share nothing but Redis and PostgreSQL.
// The one factory of the shape, for each of its entry points: `serve` (assembleDistributed, its options
// from distributedOptionsOf), `boxoffice worker` (assembleWorker: the projector and webhook delivery, no
// HTTP) and `boxoffice reconcile` (assembleReconcile: gate and store only).
import { hostname } from 'node:os';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { AccessSettings } from './auth/access.js';
import { redisRevocations } from './auth/revocations.js';
import type { Config } from './config.js';
import { type ProjectionParts, projectionParts } from './distributed-projector.js';
import type { EventDefaults } from './domain/event-spec.js';
import { withOutageBoundary } from './domain/outage-boundary.js';
import { connectRedis, connectSubscriber, type RedisTarget, redisTargetOf } from './gate/redis/connect.js';
import {
  checkPersistence,
  RedisPersistenceError,
  type RedisPersistenceMode,
} from './gate/redis/persistence.js';
import type { EventRebuilder } from './gate/redis/ports.js';
import { RedisGate } from './gate/redis/redis-gate.js';
import type { RedisClient } from './gate/redis/scripts.js';
import { GATE_OUTAGE, withUnavailableErrors } from './gate/redis/unavailable.js';
import { buildApp } from './http/app.js';
import type { ServerLimits } from './http/server-limits.js';
import { RedisFeed } from './live/redis-feed.js';
import { registerEventGauges } from './metrics/event-gauges.js';
import { instrumentGate } from './metrics/instrumented-gate.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { createProjectorMetrics, type ProjectorMetrics } from './metrics/projector-metrics.js';
import type { ProjectorLogger } from './projector/outage-log.js';
import type { Projector } from './projector/projector.js';
import { assembleQueue, type QueueOptions } from './queue/assemble-queue.js';
import { redisQueueSecret } from './queue/queue-secret.js';
import type { QueueService } from './queue/queue-service.js';
import { RedisWaitingRoom } from './queue/redis/redis-waiting-room.js';
import type { CallerIdentity, RateLimitSettings } from './ratelimit/rate-limits.js';
import { RedisRateCounter } from './ratelimit/redis-counter.js';
import { auditStream } from './service/audit.js';
import { Reservations } from './service/reservations.js';
import { Sweeper } from './service/sweeper.js';
import { servingOf } from './settings-of.js';
import { migrate } from './store/migrate.js';
import { PostgresDriver } from './store/postgres/postgres-driver.js';
import { SqlStore } from './store/sql-store.js';
import { withStoreOutages } from './store/unavailable.js';
import type { WebhookDispatcher } from './webhooks/dispatcher.js';
import { openWebhooks } from './webhooks/webhooks.js';

export interface DistributedOptions {
  readonly redis: RedisTarget;
  readonly databaseUrl: string;
  readonly adminToken: string;
  readonly defaults: EventDefaults;
  readonly sweepIntervalMs: number;
  readonly projector: boolean;
  readonly soldOutCache: boolean;
  readonly claimIdleMs?: number;
  /** Batches the in-process projector commits at once. */
  readonly projectorLanes?: number;
  /** What Redis must promise about persistence; checked at start and at every reconnect. */
  readonly redisPersistence: RedisPersistenceMode;
  /**
   * Called when Redis, on a reconnect, no longer keeps what this process acknowledges (the start refused
   * such a Redis already): the serve command stops the process. Without it, the problem is only logged.
   */
  readonly onRedisUnsafe?: (problem: string) => void;
  readonly logger?: FastifyBaseLogger;
  /** Timeouts and the connection bound of the HTTP server (default SERVER_LIMITS_DEFAULT). */
  readonly serverLimits?: ServerLimits;
  /** Live connections one client address may hold (default LIVE_CONNECTIONS_PER_ADDRESS_DEFAULT). */
  readonly liveConnectionsPerAddress?: number;
  /** Rate limits, counted in Redis: one count shared by every API process; none when absent. */
  readonly rateLimits?: RateLimitSettings & CallerIdentity;
  readonly trustProxy?: false | number;
  /** Buyer verification and credentials; default `open`. */
  readonly access?: AccessSettings;
  /** Tests: decide with this clock instead of Redis's TIME. */
  readonly clock?: () => number;
  /** Signs queue passes; unset: generated once and kept in Redis, shared by every instance (docs/queue.md). */
  readonly queueSecret?: string;
  readonly queue?: QueueOptions;
  /** Seals webhook signing secrets; without it this process neither serves /v1/webhooks nor delivers. */
  readonly webhooksKey?: string;
  readonly webhooksAllowPrivate?: boolean;
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
  readonly queue: QueueService;
  /** Webhook delivery beside the in-process projector (with a webhooks key only). */
  readonly webhooks?: WebhookDispatcher;
  /** Starts the sweeper, the queue's admission steps and the in-process projector. */
  start(): void;
  close(): Promise<void>;
}

export async function assembleDistributed(options: DistributedOptions): Promise<Distributed> {
  const { logger } = options;
  const store = await openStore(options.databaseUrl);
  const driver = store.driver;
  const redis = connectRedis(options.redis, 'gate');
  const subscriber = options.soldOutCache ? connectSubscriber(options.redis) : undefined;
  const logRedisError = (error: unknown) => logger?.warn({ err: error }, 'redis connection error');
  redis.on('error', logRedisError);
  subscriber?.on('error', logRedisError);
  try {
    await guardPersistence(redis, options);
  } catch (error) {
    redis.disconnect();
    subscriber?.disconnect();
    await driver.close();
    throw error;
  }
  const gate = new RedisGate({
    redis,
    store,
    soldOutCache: options.soldOutCache,
    subscriber,
    useCommandTime: options.clock !== undefined,
  });
  await rebuildLostEvents(gate, store, logger);
  const metrics = createMetrics();
  // The request side sees outages of either port as domain errors (gate_unavailable, store_unavailable);
  // the projector and the gate's rebuild keep the bare store.
  const servedGate = withUnavailableErrors(gate);
  const servedStore = withStoreOutages(store);
  const timedGate = instrumentGate(servedGate, metrics);
  registerEventGauges(metrics.registry, gate);
  const clock = options.clock ?? Date.now;
  const reservations = new Reservations({
    gate: timedGate,
    store: servedStore,
    clock,
    defaults: options.defaults,
    metrics,
    recentEnding: (holdId) => gate.recentEnding(holdId),
  });
  // A connection of its own: a subscribed connection can send nothing else.
  const revocationSubscriber = connectSubscriber(options.redis);
  revocationSubscriber.on('error', logRedisError);
  const feed = RedisFeed.over(redis, (error) => logger?.warn({ err: error }, 'live feed error'));
  const queue = await assembleQueue({
    // Its outages are the gate's (the same Redis): a call that finds Redis gone mid-request says gate_unavailable.
    room: withOutageBoundary(
      new RedisWaitingRoom({ redis, useCommandTime: options.clock !== undefined }),
      GATE_OUTAGE,
    ),
    secret: await redisQueueSecret(options.queueSecret, redis),
    gate: timedGate,
    store: servedStore,
    metrics,
    clock,
    options: options.queue,
    onError: (error) => logger?.warn({ err: error }, 'queue admission step failed'),
  });
  const webhookSettings = {
    driver,
    key: options.webhooksKey ?? '',
    allowPrivate: options.webhooksAllowPrivate ?? false,
  };
  const webhookRoutes = webhookSettings.key === '' ? undefined : openWebhooks(webhookSettings);
  const app = await buildApp({
    reservations,
    queue,
    webhooks: webhookRoutes && { ...webhookRoutes, store: withStoreOutages(webhookRoutes.store) },
    gate: timedGate,
    store: servedStore,
    metrics,
    adminToken: options.adminToken,
    logger,
    feed,
    serverLimits: options.serverLimits,
    liveConnectionsPerAddress: options.liveConnectionsPerAddress,
    audit: (eventId) => auditStream(eventId, servedGate, servedStore),
    rateLimits: options.rateLimits && {
      ...options.rateLimits,
      counter: new RedisRateCounter(redis),
      onCounterError: warnAtMostEvery(COUNTER_WARNING_INTERVAL_MS, (error) =>
        logger?.warn({ err: error }, 'rate-limit counter unavailable; requests pass unlimited'),
      ),
    },
    trustProxy: options.trustProxy,
    accessSettings: options.access,
    revocations: redisRevocations(redis, revocationSubscriber),
  });
  const sweeper = new Sweeper(reservations, options.sweepIntervalMs, logger);
  const projection = options.projector
    ? projectionParts({
        redis,
        store,
        consumer: `${hostname()}-${process.pid}-api`,
        claimIdleMs: options.claimIdleMs,
        lanes: options.projectorLanes,
        metrics: createProjectorMetrics(metrics.registry),
        logger,
        registry: metrics.registry,
        webhooksKey: webhookSettings.key,
        webhooksAllowPrivate: webhookSettings.allowPrivate,
      })
    : undefined;
  const projector = projection?.projector;
  const webhooks = projection?.webhooks;
  return {
    app,
    gate,
    redis,
    store,
    reservations,
    sweeper,
    projector,
    metrics,
    queue,
    webhooks,
    start() {
      sweeper.start();
      if (options.queue?.manualSteps !== true) queue.start();
      void projection?.start();
    },
    async close() {
      sweeper.stop();
      queue.stop();
      await app.close();
      feed.close();
      await projection?.stop();
      subscriber?.disconnect();
      redis.disconnect();
      await store.close();
    },
  };
}

/**
 * Refuses a Redis that can lose acknowledged writes (gate/redis/persistence.ts), now and at every reconnect:
 * the Redis that answers after a reconnect may be another one, or restarted with other settings.
 */
async function guardPersistence(redis: RedisClient, options: DistributedOptions): Promise<void> {
  const { logger } = options;
  const warning = await checkPersistence(redis, options.redisPersistence);
  if (warning !== undefined) logger?.warn(warning);
  // The connection just checked was ready before the check's reply came: every 'ready' from now on is a
  // reconnect.
  redis.on('ready', () => {
    checkPersistence(redis, options.redisPersistence).then(
      (again) => {
        if (again !== undefined) logger?.warn(again);
      },
      (error: unknown) => {
        if (!(error instanceof RedisPersistenceError)) {
          logger?.warn({ err: error }, 'could not check Redis persistence after a reconnect');
          return;
        }
        logger?.fatal(error.message);
        options.onRedisUnsafe?.(error.message);
      },
    );
  });
}

/** While Redis is down every request would warn; one line per interval says the same. */
const COUNTER_WARNING_INTERVAL_MS = 10_000;

function warnAtMostEvery(intervalMs: number, warn: (error: unknown) => void): (error: unknown) => void {
  let lastMs = 0;
  return (error) => {
    const now = Date.now();
    if (now - lastMs < intervalMs) return;
    lastMs = now;
    warn(error);
  };
}

/** At start: every event the store knows must be in Redis; an event whose keys are gone is rebuilt. */
async function rebuildLostEvents(
  gate: EventRebuilder,
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
      if (result === 'lost')
        logger?.error(
          { eventId: spec.id },
          'Redis lost this event: its sales are stopped until `boxoffice reconcile` (see the audit)',
        );
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}

/** The serve options of a distributed configuration; `onRedisUnsafe` stops the server (see there). */
export function distributedOptionsOf(
  config: Config,
  logger: FastifyBaseLogger | undefined,
  onRedisUnsafe: (problem: string) => void,
): DistributedOptions {
  return {
    redis: redisTargetOf(config),
    databaseUrl: config.databaseUrl,
    adminToken: config.adminToken,
    defaults: { holdTtlSeconds: config.holdTtlSeconds, maxPerUser: config.maxPerUser },
    sweepIntervalMs: config.sweepIntervalMs,
    projector: config.projector === 'in-process',
    soldOutCache: config.soldOutCache,
    claimIdleMs: config.claimIdleMs,
    projectorLanes: config.projectorLanes,
    redisPersistence: config.redisPersistence,
    onRedisUnsafe,
    ...servingOf(config, logger),
  };
}

/** `boxoffice worker`: the projector and webhook delivery over Redis and PostgreSQL, not yet started. */
export interface DistributedWorker extends ProjectionParts {
  /** Stops both (the batch in hand is finished), then closes Redis and the store. */
  close(): Promise<void>;
}

export async function assembleWorker(
  config: Config,
  parts: {
    readonly metrics: ProjectorMetrics;
    readonly registry: Registry;
    readonly logger: ProjectorLogger;
  },
): Promise<DistributedWorker> {
  const store = await openStore(config.databaseUrl);
  const redis = connectRedis(redisTargetOf(config), 'worker');
  redis.on('error', (error: Error) => parts.logger.debug({ err: error }, 'redis connection error'));
  const projection = projectionParts({
    redis,
    store,
    consumer: config.consumer,
    claimIdleMs: config.claimIdleMs,
    lanes: config.projectorLanes,
    metrics: parts.metrics,
    logger: parts.logger,
    registry: parts.registry,
    webhooksKey: config.webhooksKey,
    webhooksAllowPrivate: config.webhooksAllowPrivate,
  });
  return {
    ...projection,
    async close() {
      await projection.stop();
      await redis.quit().catch(() => redis.disconnect());
      await store.close();
    },
  };
}

/** `boxoffice reconcile`: the gate over Redis and the store, nothing running. */
export interface DistributedReconcile {
  readonly gate: RedisGate;
  readonly store: SqlStore;
  close(): Promise<void>;
}

export async function assembleReconcile(config: Config): Promise<DistributedReconcile> {
  const store = await openStore(config.databaseUrl);
  const redis = connectRedis(redisTargetOf(config), 'reconcile');
  return {
    gate: new RedisGate({ redis, store }),
    store,
    async close() {
      redis.disconnect();
      await store.close();
    },
  };
}

/** The store, migrated; its connections closed again when the migration fails. */
async function openStore(databaseUrl: string): Promise<SqlStore> {
  const driver = new PostgresDriver(databaseUrl);
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => {});
    throw error;
  }
  return new SqlStore(driver);
}
