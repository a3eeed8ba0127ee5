// The projector as the distributed shape runs it (the API process with --projector, `boxoffice worker`):
// the log is Redis's streams, and once the store has a batch, the gate's records of the holds it ended go.
import { forgetStoredEndings } from './gate/redis/ended-records.js';
import type { RedisClient } from './gate/redis/scripts.js';
import { RedisLog } from './log/redis/redis-log.js';
import type { ProjectorMetrics } from './metrics/projector-metrics.js';
import type { ProjectorLogger } from './projector/outage-log.js';
import { Projector, type ProjectorOptions } from './projector/projector.js';

export interface DistributedProjectorOptions
  extends Omit<ProjectorOptions, 'log' | 'projected' | 'metrics' | 'logger'> {
  readonly redis: RedisClient;
  readonly metrics?: ProjectorMetrics;
  readonly logger?: ProjectorLogger;
  /** Acknowledged entries younger than this stay in the stream (see TRIM_MARGIN_MS). */
  readonly trimMarginMs?: number;
  /** How often the registry of events is read again. */
  readonly eventsRefreshMs?: number;
}

export function distributedProjector(options: DistributedProjectorOptions): Projector {
  const { redis, trimMarginMs, eventsRefreshMs, ...rest } = options;
  const log = new RedisLog({
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
  return new Projector({ ...rest, log, projected: forgetStoredEndings(redis) });
}
