// The projector as the distributed shape runs it (the API process with --projector, `boxoffice worker`):
// the log is Redis's streams, and once the store has a batch, the gate's records of the holds it ended go.
// Webhook delivery reads the same log beside it. distributed.ts assembles these parts for both.
import { forgetStoredEndings } from './gate/redis/ended-records.js';
import type { RedisClient } from './gate/redis/scripts.js';
import { RedisLog } from './log/redis/redis-log.js';
import type { ProjectorMetrics } from './metrics/projector-metrics.js';
import type { ProjectorLogger } from './projector/outage-log.js';
import { Projector, type ProjectorOptions } from './projector/projector.js';
import type { SqlDriver } from './store/sql-driver.js';
import type { SqlStore } from './store/sql-store.js';
import type { WebhookDispatcher } from './webhooks/dispatcher.js';
import { type DispatcherSettings, openWebhooks, webhookDispatcher } from './webhooks/webhooks.js';

export interface DistributedProjectorOptions
  extends Omit<ProjectorOptions, 'log' | 'projected' | 'metrics' | 'logger'> {
  readonly redis: RedisClient;
  readonly metrics?: ProjectorMetrics;
  readonly logger?: ProjectorLogger;
  /** Acknowledged entries younger than this stay in the stream (see TRIM_MARGIN_MS). */
  readonly trimMarginMs?: number;
  /** How often the registry of events is read again. */
  readonly eventsRefreshMs?: number;
  /** The log to read (distributedLog); one of its own when absent. */
  readonly log?: RedisLog;
}

export function distributedProjector(options: DistributedProjectorOptions): Projector {
  const { redis, trimMarginMs, eventsRefreshMs, log: shared, ...rest } = options;
  const log = shared ?? distributedLog(options);
  return new Projector({ ...rest, log, projected: forgetStoredEndings(redis) });
}

/**
 * The log as a process of the distributed shape reads it. The projector and webhook delivery of one process
 * share it, so that streams either of them acknowledged in are trimmed (below the slowest group).
 */
export function distributedLog(options: DistributedProjectorOptions): RedisLog {
  const { redis, trimMarginMs, eventsRefreshMs } = options;
  return new RedisLog({
    redis,
    trimMarginMs,
    eventsRefreshMs,
    clock: options.clock,
    onUndecodable: (where, error) => {
      options.metrics?.deadLettered(1);
      options.logger?.error(
        { eventId: where.eventId, entryId: where.id, error },
        'log entry moved to the dead letters',
      );
    },
  });
}

/**
 * Webhook delivery in a process that projects (the worker, or the API with --projector), over the same log;
 * none without BOXOFFICE_WEBHOOKS_KEY, which every process of the shape must share (docs/webhooks.md).
 */
export function distributedWebhooks(
  settings: { driver: SqlDriver; key: string; allowPrivate: boolean },
  dispatch: DispatcherSettings,
): WebhookDispatcher | undefined {
  if (settings.key === '') return undefined;
  return webhookDispatcher(openWebhooks(settings), dispatch);
}

export interface ProjectionPartsOptions {
  readonly redis: RedisClient;
  readonly store: SqlStore;
  /** This process's name in the consumer groups (the projector's and the webhooks'). */
  readonly consumer: string;
  readonly claimIdleMs?: number;
  /** Batches committed at once (ProjectorOptions.lanes). */
  readonly lanes?: number;
  readonly metrics?: ProjectorMetrics;
  readonly logger?: ProjectorLogger;
  /** Where the webhook dispatcher registers its metrics. */
  readonly registry: DispatcherSettings['registry'];
  /** Seals webhook secrets; empty: no delivery from this process. */
  readonly webhooksKey: string;
  readonly webhooksAllowPrivate: boolean;
}

/** What a process of the distributed shape runs to project the log: the projector and webhook delivery. */
export interface ProjectionParts {
  readonly log: RedisLog;
  readonly projector: Projector;
  readonly webhooks: WebhookDispatcher | undefined;
  /** Starts both; resolves when the projector's loop has ended (after stop()). */
  start(): Promise<void>;
  /** Webhook delivery first, then the projector finishes the batch in hand. */
  stop(): Promise<void>;
}

export function projectionParts(options: ProjectionPartsOptions): ProjectionParts {
  const { redis, store, consumer, claimIdleMs, lanes, metrics, logger } = options;
  const settings = { redis, store, consumer, claimIdleMs, metrics, logger };
  const log = distributedLog(settings);
  const projector = distributedProjector({ ...settings, log, lanes });
  metrics?.watchBacklog(() => projector.unprojected());
  const webhooks = distributedWebhooks(
    { driver: store.driver, key: options.webhooksKey, allowPrivate: options.webhooksAllowPrivate },
    { log, member: consumer, registry: options.registry, logger },
  );
  return {
    log,
    projector,
    webhooks,
    start() {
      const running = projector.start();
      webhooks?.start();
      return running;
    },
    async stop() {
      await webhooks?.stop();
      await projector.stop();
    },
  };
}
