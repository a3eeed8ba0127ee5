// The embedded shape assembled: PGlite store, group-commit journal, memory gate rebuilt from the store.
// main.ts adds listen(); tests use this directly with app.inject() and their own data dir and clock.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AccessSettings } from './auth/access.js';
import type { EventDefaults } from './domain/event-spec.js';
import { MemoryGate } from './gate/memory/memory-gate.js';
import { buildApp } from './http/app.js';
import type { ServerLimits } from './http/server-limits.js';
import { GroupCommit } from './journal/group-commit.js';
import { EmbeddedFeed } from './live/embedded-feed.js';
import { registerEventGauges } from './metrics/event-gauges.js';
import { instrumentGate } from './metrics/instrumented-gate.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { assembleQueue, type QueueOptions } from './queue/assemble-queue.js';
import { MemoryWaitingRoom } from './queue/memory/memory-waiting-room.js';
import { fileQueueSecret } from './queue/queue-secret.js';
import type { QueueService } from './queue/queue-service.js';
import { MemoryRateCounter } from './ratelimit/memory-counter.js';
import type { CallerIdentity, RateLimitSettings } from './ratelimit/rate-limits.js';
import { Reservations } from './service/reservations.js';
import { Sweeper } from './service/sweeper.js';
import { explainStartFault, openCheckedStore } from './store/integrity/open-checked-store.js';
import type { SqlDriver } from './store/sql-driver.js';
import type { SqlStore } from './store/sql-store.js';

export interface EmbeddedOptions {
  /** PGlite data directory; undefined keeps the store in memory (tests only: nothing survives). */
  readonly dataDir?: string;
  /** A driver to use instead of opening dataDir (tests wrap the real one to inject faults); dataDir then only names it. */
  readonly driver?: SqlDriver;
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
  /** Signs queue passes; unset: generated once and kept in the data dir (docs/queue.md). */
  readonly queueSecret?: string;
  readonly queue?: QueueOptions;
}

export interface Embedded {
  readonly app: FastifyInstance;
  readonly gate: MemoryGate;
  readonly store: SqlStore;
  readonly journal: GroupCommit;
  readonly reservations: Reservations;
  readonly sweeper: Sweeper;
  readonly metrics: Metrics;
  readonly queue: QueueService;
  close(): Promise<void>;
}

export async function assembleEmbedded(options: EmbeddedOptions): Promise<Embedded> {
  // Refuses, in one line, a data dir that is not a store or whose contents fail the integrity check.
  const store = await openCheckedStore({ dataDir: options.dataDir, driver: options.driver });
  const clock = options.clock ?? Date.now;
  const metrics = createMetrics();
  const journal = new GroupCommit(async (entries) => {
    await store.appendEntries(entries);
  }, metrics.commits);
  const gate = new MemoryGate(journal);
  const snapshot = await store.loadSnapshot(clock()).catch(async (error: unknown) => {
    await store.close().catch(() => {});
    throw explainStartFault(options.dataDir ?? 'memory', error);
  });
  gate.restore(snapshot);
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
    room: new MemoryWaitingRoom(),
    secret: fileQueueSecret(options.queueSecret, options.dataDir),
    gate: timedGate,
    store,
    metrics,
    clock,
    options: options.queue,
    onError: (error) => options.logger?.warn({ err: error }, 'queue admission step failed'),
  });
  const app = await buildApp({
    reservations,
    queue,
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
  });
  const sweeper = new Sweeper(reservations, options.sweepIntervalMs, options.logger);
  if (options.queue?.manualSteps !== true) queue.start();
  return {
    app,
    gate,
    store,
    journal,
    reservations,
    sweeper,
    metrics,
    queue,
    async close() {
      sweeper.stop();
      queue.stop();
      await app.close();
      // What was accepted is durable already; this only waits for a commit that is still running.
      await journal.sync().catch(() => {});
      await store.close();
    },
  };
}
