// What routes get: services only. buildApp is handed the shape's ports (gate, store, journal) and makes the
// services here, so that no route reads the gate or the store itself (http/boundaries.test.ts holds it).
// Outages of either port arrive as domain errors: the shape wraps its ports before it hands them over
// (domain/outage-boundary.ts), and the error handler maps only domain errors.
import type { Access } from '../auth/access.js';
import type { ChangeFeed } from '../live/change-feed.js';
import type { Metrics } from '../metrics/metrics.js';
import type { QueueService } from '../queue/queue-service.js';
import { ApiKeys } from '../service/api-keys.js';
import { type AuditReport, auditEvent } from '../service/audit.js';
import { EventCatalog } from '../service/event-catalog.js';
import { Readiness } from '../service/readiness.js';
import { Reads } from '../service/reads.js';
import type { Reservations } from '../service/reservations.js';
import type { AppDeps } from './app.js';

export interface RouteDeps {
  readonly reservations: Reservations;
  readonly events: EventCatalog;
  readonly reads: Reads;
  readonly apiKeys: ApiKeys;
  readonly readiness: Readiness;
  readonly audit: (eventId: string) => Promise<AuditReport | undefined>;
  readonly queue?: QueueService;
  readonly access: Access;
  readonly metrics: Metrics;
  readonly feed?: ChangeFeed;
  readonly liveConnectionsMax?: number;
  readonly liveConnectionsPerAddress?: number;
}

export function routeDepsOf(deps: AppDeps, access: Access): RouteDeps {
  const { gate, store, journal, reservations, queue } = deps;
  return {
    reservations,
    events: new EventCatalog({ reservations, gate, store, queue }),
    reads: new Reads({ gate, store }),
    apiKeys: new ApiKeys({ store }),
    readiness: new Readiness({ gate, store }),
    audit: deps.audit ?? ((eventId) => auditEvent(eventId, gate, store, journal)),
    queue,
    access,
    metrics: deps.metrics,
    feed: deps.feed,
    liveConnectionsMax: deps.liveConnectionsMax,
    liveConnectionsPerAddress: deps.liveConnectionsPerAddress,
  };
}
