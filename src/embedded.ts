// The embedded shape assembled: memory gate, group commit into the log file (the truth), PGlite store as the
// projection of that log, applied by the projector off the request path: on a thread of its own with
// PGlite (projectionThread `worker`), or on this one (`main`). At start the unprojected tail of the log is
// applied to the store before the gate is rebuilt from the store.
// The one factory of the shape: `serve` (main.ts, through embeddedOptionsOf, then listen()) and the memory
// benchmark build it from configuration; tests use it directly with app.inject() and their own data dir
// and clock.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AccessSettings } from './auth/access.js';
import type { Config } from './config.js';
import type { EventDefaults } from './domain/event-spec.js';
import { MemoryGate } from './gate/memory/memory-gate.js';
import { buildApp } from './http/app.js';
import type { ServerLimits } from './http/server-limits.js';
import { GroupCommit } from './journal/group-commit.js';
import { EmbeddedFeed } from './live/embedded-feed.js';
import { refuseDamagedLog } from './log/file/check-log.js';
import { type Durability, FileLog, LOG_MAX_BYTES_DEFAULT } from './log/file/file-log.js';
import { logDirOf } from './log/file/log-dir.js';
import type { AppendableLog } from './log/log.js';
import { PROJECTION_GROUP } from './log/log.js';
import { MemoryLog } from './log/memory/memory-log.js';
import { registerEventGauges } from './metrics/event-gauges.js';
import { instrumentGate } from './metrics/instrumented-gate.js';
import { registerLogMetrics } from './metrics/log-metrics.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { EmbeddedProjection, type Projection } from './projector/embedded/embedded-projection.js';
import {
  PROJECTION_THREAD_DEFAULT,
  type ProjectionThreadMode,
} from './projector/embedded/projection-mode.js';
import { ProjectionThread } from './projector/embedded/projection-thread.js';
import { READ_WAIT_MS, readYourWrites } from './projector/embedded/read-your-writes.js';
import { assembleQueue, type QueueOptions } from './queue/assemble-queue.js';
import { MemoryWaitingRoom } from './queue/memory/memory-waiting-room.js';
import { fileQueueSecret } from './queue/queue-secret.js';
import type { QueueService } from './queue/queue-service.js';
import { MemoryRateCounter } from './ratelimit/memory-counter.js';
import type { CallerIdentity, RateLimitSettings } from './ratelimit/rate-limits.js';
import { auditEvent } from './service/audit.js';
import { Reservations } from './service/reservations.js';
import { Sweeper } from './service/sweeper.js';
import { servingOf } from './settings-of.js';
import { explainStartFault, openCheckedStore } from './store/integrity/open-checked-store.js';
import type { SqlDriver } from './store/sql-driver.js';
import { SqlStore } from './store/sql-store.js';
import { withStoreOutages } from './store/unavailable.js';
import type { WebhookDispatcher } from './webhooks/dispatcher.js';
import type { WebhookRouteDeps } from './webhooks/webhook-routes.js';
import { openWebhooks, webhookDispatcher } from './webhooks/webhooks.js';

export interface EmbeddedOptions {
  /** PGlite data directory; undefined keeps the store in memory (tests only: nothing survives). */
  readonly dataDir?: string;
  /**
   * A driver to use instead of opening dataDir (tests wrap the real one to inject faults); dataDir then only
   * names it. The projection then runs on this thread: a driver cannot cross to another.
   */
  readonly driver?: SqlDriver;
  /** Where the projection and PGlite run (default PROJECTION_THREAD_DEFAULT; `main` when a driver is given). */
  readonly projectionThread?: ProjectionThreadMode;
  readonly adminToken: string;
  readonly defaults: EventDefaults;
  readonly sweepIntervalMs: number;
  readonly clock?: () => number;
  readonly logger?: FastifyBaseLogger;
  /** Timeouts and the connection bound of the HTTP server (default SERVER_LIMITS_DEFAULT). */
  readonly serverLimits?: ServerLimits;
  /** Live connections one client address may hold (default LIVE_CONNECTIONS_PER_ADDRESS_DEFAULT). */
  readonly liveConnectionsPerAddress?: number;
  /** Rate limits, counted in this process; none when absent. */
  readonly rateLimits?: RateLimitSettings & CallerIdentity;
  readonly trustProxy?: false | number;
  /** Buyer verification and credentials; default `open`. */
  readonly access?: AccessSettings;
  /** What a 2xx promises of the log file (default `process`). */
  readonly durability?: Durability;
  /** Bound of the log file on disk (default LOG_MAX_BYTES_DEFAULT). */
  readonly logMaxBytes?: number;
  /** PGlite's page cache in MB (default STORE_CACHE_MB_DEFAULT). */
  readonly storeCacheMb?: number;
  /** The projection thread's niceness (BOXOFFICE_PROJECTION_NICE); 0 by default. */
  readonly projectionNice?: number;
  /** Wraps the log (tests inject write faults); the log lives in `<dataDir>/log`, in memory without a data dir. */
  readonly wrapLog?: (log: AppendableLog) => AppendableLog;
  /** Signs queue passes; unset: generated once and kept in the data dir (docs/queue.md). */
  readonly queueSecret?: string;
  readonly queue?: QueueOptions;
  /** Seals webhook signing secrets; unset: a key generated once and kept in the data dir (docs/webhooks.md). */
  readonly webhooksKey?: string;
  /** Webhook endpoints may be on private and loopback addresses (tests, private networks). */
  readonly webhooksAllowPrivate?: boolean;
  /**
   * Tests: the routes' dependencies to use instead (a DNS stub, a fixed key), made from the store's driver,
   * and whether this process delivers; a test that runs its own dispatcher over a log of its own turns
   * delivery off.
   */
  readonly webhooksForTests?: {
    readonly deps: (driver: SqlDriver) => WebhookRouteDeps;
    readonly deliver: boolean;
  };
}

export interface Embedded {
  readonly app: FastifyInstance;
  readonly gate: MemoryGate;
  readonly store: SqlStore;
  readonly journal: GroupCommit;
  readonly log: AppendableLog;
  readonly projection: Projection;
  readonly reservations: Reservations;
  readonly sweeper: Sweeper;
  readonly metrics: Metrics;
  readonly queue: QueueService;
  /** Delivers webhooks from the log (the `webhooks` consumer group), in this process. */
  readonly webhooks: WebhookDispatcher;
  close(): Promise<void>;
}

export async function assembleEmbedded(options: EmbeddedOptions): Promise<Embedded> {
  // A log damaged in the middle refuses the start before the store is opened, so nothing is changed.
  if (options.dataDir !== undefined) refuseDamagedLog(logDirOf(options.dataDir));
  // Refuses, in one line, a data dir that is not a store or whose contents fail the integrity check.
  const thread =
    (options.projectionThread ?? PROJECTION_THREAD_DEFAULT) === 'worker' && options.driver === undefined
      ? await ProjectionThread.open({
          dataDir: options.dataDir,
          cacheMb: options.storeCacheMb,
          nice: options.projectionNice,
          onError: (message) =>
            options.logger?.warn({ reason: message }, 'the projection thread reports a problem'),
          onCrash: (error) =>
            options.logger?.error(
              { err: error },
              'the projection thread died: store reads answer 503 and /readyz is not ready until the server restarts',
            ),
        })
      : undefined;
  const projected =
    thread === undefined
      ? await openCheckedStore({
          dataDir: options.dataDir,
          driver: options.driver,
          cacheMb: options.storeCacheMb,
        })
      : new SqlStore(thread.driver, { integrityCounters: true });
  const clock = options.clock ?? Date.now;
  const metrics = createMetrics();
  let log: AppendableLog;
  try {
    // Refuses a log damaged in the middle (LogDamagedError); a torn tail is cut and reported below.
    log = openLog(options);
  } catch (error) {
    await projected.close().catch(() => {});
    throw error;
  }
  const file = log instanceof FileLog ? log : undefined;
  const tailCut = file?.tailCut;
  if (tailCut !== undefined)
    options.logger?.warn({ tailCut }, 'the log ended in a torn write: its tail was cut (never acknowledged)');
  if (options.wrapLog) log = options.wrapLog(log);
  const projection: Projection =
    thread?.serve(log) ??
    new EmbeddedProjection(log, projected, { logger: options.logger?.child({ module: 'projector' }) });
  // Reads of the store wait until it shows everything durable before them (projector/embedded/read-your-writes.ts);
  // its outages reach the request side as store_unavailable (the projection keeps the bare store).
  const store = withStoreOutages(readYourWrites(projected, (boundMs) => projection.caughtUp(boundMs)));
  const journal = new GroupCommit((entries) => log.append(entries), metrics.commits);
  const gate = new MemoryGate(journal);
  const snapshot = await (async () => {
    // The unprojected tail first: the gate is rebuilt from a store that holds the whole durable log.
    const replayed = await projection.replay();
    if (replayed > 0)
      options.logger?.info({ replayed }, 'applied the unprojected tail of the log to the store');
    return projected.loadSnapshot(clock());
  })().catch(async (error: unknown) => {
    await log.close().catch(() => {});
    await projected.close().catch(() => {});
    throw explainStartFault(options.dataDir ?? 'memory', error);
  });
  gate.restore(snapshot);
  warnOfDeadLetters(file, options.logger);
  journal.onDurable(projection.announce);
  projection.start();
  registerLogMetrics(metrics.registry, {
    tailCutBytes: tailCut?.bytes ?? 0,
    projection,
    ...(file === undefined ? {} : { diskBytes: () => file.diskBytes() }),
  });
  // Live clients are told of each batch once it is durable, so they never see a change a failed commit undid.
  const feed = new EmbeddedFeed((error) => options.logger?.warn({ err: error }, 'live feed listener failed'));
  journal.onDurable(feed.publish);
  // The service and the routes call the gate through a timer; the per-event gauges read it at scrape time.
  const timedGate = instrumentGate(gate, metrics);
  registerEventGauges(metrics.registry, gate);
  const reservations = new Reservations({
    gate: timedGate,
    store,
    journal,
    clock,
    defaults: options.defaults,
    metrics,
  });
  const queue = await assembleQueue({
    // Admissions are log entries: they go through the same group commit as the gate's.
    room: new MemoryWaitingRoom(journal),
    secret: fileQueueSecret(options.queueSecret, options.dataDir),
    gate: timedGate,
    store,
    metrics,
    clock,
    options: options.queue,
    onError: (error) => options.logger?.warn({ err: error }, 'queue admission step failed'),
  });
  // Webhooks are read from the log as a consumer group of their own, beside the projection.
  const webhookDeps =
    options.webhooksForTests?.deps(projected.driver) ??
    openWebhooks({
      driver: projected.driver,
      key: options.webhooksKey ?? '',
      dataDir: options.dataDir,
      inMemory: options.dataDir === undefined,
      allowPrivate: options.webhooksAllowPrivate ?? false,
    });
  const webhooks = webhookDispatcher(webhookDeps, {
    log,
    member: 'embedded',
    registry: metrics.registry,
    logger: options.logger,
    // Each ingest step is a store transaction; with the store on the projection thread, each of its
    // statements is a round trip between two busy threads, so steps take more of the log at once to keep
    // the webhooks group up with the log (it holds the log's segments until it has read them).
    ...(thread === undefined ? {} : { batchSize: WEBHOOK_BATCH_WITH_THREAD }),
  });
  const app = await buildApp({
    reservations,
    queue,
    webhooks: { ...webhookDeps, store: withStoreOutages(webhookDeps.store) },
    gate: timedGate,
    store,
    journal,
    metrics,
    adminToken: options.adminToken,
    logger: options.logger,
    feed,
    serverLimits: options.serverLimits,
    liveConnectionsPerAddress: options.liveConnectionsPerAddress,
    rateLimits: options.rateLimits && { ...options.rateLimits, counter: new MemoryRateCounter({ clock }) },
    trustProxy: options.trustProxy,
    accessSettings: options.access,
    audit: async (eventId) => {
      // Best effort: the audit is exact either way, and shows what is still unprojected.
      await projection.caughtUp(READ_WAIT_MS).catch(() => {});
      return auditEvent(eventId, gate, withStoreOutages(projected), journal, {
        unprojected: (id) => log.unacknowledged(PROJECTION_GROUP, id),
        deadLetters: async (id) => file?.deadLetterCount(PROJECTION_GROUP, id) ?? 0,
        exclusive: (work) => projection.exclusive(work),
      });
    },
  });
  const sweeper = new Sweeper(reservations, options.sweepIntervalMs, options.logger);
  if (options.queue?.manualSteps !== true) queue.start();
  if (options.webhooksForTests?.deliver !== false) webhooks.start();
  return {
    app,
    gate,
    store,
    journal,
    log,
    projection,
    reservations,
    sweeper,
    metrics,
    queue,
    webhooks,
    async close() {
      sweeper.stop();
      queue.stop();
      await app.close();
      await webhooks.stop();
      // What was accepted is durable already; this only waits for a commit that is still running.
      await journal.sync().catch(() => {});
      // What the store lacks now is applied at the next start; stopping does not wait for it.
      await projection.stop();
      await log.close();
      await projected.close();
    },
  };
}

/** Log records per webhook ingest step when the store is on the projection thread (default 100). */
const WEBHOOK_BATCH_WITH_THREAD = 1000;

function openLog(options: EmbeddedOptions): AppendableLog {
  if (options.dataDir === undefined) return new MemoryLog(options.clock);
  return FileLog.open(logDirOf(options.dataDir), {
    durability: options.durability ?? 'process',
    maxBytes: options.logMaxBytes ?? LOG_MAX_BYTES_DEFAULT,
  });
}

/** The embedded shape's options as `serve` takes them from configuration (and the memory benchmark). */
export function embeddedOptionsOf(
  config: Config,
  dataDir: string,
  logger?: FastifyBaseLogger,
): EmbeddedOptions {
  return {
    dataDir,
    durability: config.durability,
    logMaxBytes: config.logMaxBytes,
    storeCacheMb: config.storeCacheMb,
    projectionNice: config.projectionNice,
    projectionThread: config.projectionThread,
    adminToken: config.adminToken,
    defaults: { holdTtlSeconds: config.holdTtlSeconds, maxPerUser: config.maxPerUser },
    sweepIntervalMs: config.sweepIntervalMs,
    ...servingOf(config, logger),
  };
}

/**
 * Entries the store refused for good (dead letters) are decisions the gate, rebuilt from the store at this
 * start, does not know: their seats or stock look free again. The audit of their events says so; this says
 * it at start, once, so that an operator looks before selling on.
 */
function warnOfDeadLetters(file: FileLog | undefined, logger: FastifyBaseLogger | undefined): void {
  const deadLetters = file?.deadLetterCount(PROJECTION_GROUP) ?? 0;
  if (deadLetters === 0) return;
  logger?.warn(
    { deadLetters },
    'the log holds entries the store refused (dead letters): the gate, rebuilt from the store, does not know ' +
      'them, so what they held or sold looks free again; GET /v1/events/:id/audit names the events (deadLetters)',
  );
}
