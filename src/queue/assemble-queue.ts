// The waiting room of a shape, assembled: its adapter, the pass key, the metrics, and the queues the store
// knows set up again (the memory room starts empty; a Redis that lost an event's keys is told again).
import type { Gate } from '../gate/gate.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Store } from '../store/store.js';
import { QueuePasses } from './passes.js';
import { storedQueues } from './queue-admin.js';
import { createQueueMetrics } from './queue-metrics.js';
import { QueueService } from './queue-service.js';
import type { WaitingRoom } from './waiting-room.js';

/** What main.ts and tests choose about the waiting room. */
export interface QueueOptions {
  /** A waiting buyer not heard from this long loses its place (default 60 s). */
  readonly abandonAfterSeconds?: number;
  /** Tests: a seeded draw instead of crypto randomness. */
  readonly draw?: () => number;
  /** Tests: no admission timer; they call step() themselves. */
  readonly manualSteps?: boolean;
}

export const QUEUE_ABANDON_SECONDS_DEFAULT = 60;

export async function assembleQueue(parts: {
  readonly room: WaitingRoom;
  readonly secret: string;
  readonly gate: Pick<Gate, 'eventState'>;
  readonly store: Pick<Store, 'eventQueues'>;
  readonly metrics: Metrics;
  readonly clock: () => number;
  readonly options?: QueueOptions;
  readonly onError?: (error: unknown) => void;
}): Promise<QueueService> {
  const options = parts.options ?? {};
  const queue = new QueueService({
    room: parts.room,
    passes: new QueuePasses(parts.secret),
    gate: parts.gate,
    clock: parts.clock,
    abandonAfterMs: (options.abandonAfterSeconds ?? QUEUE_ABANDON_SECONDS_DEFAULT) * 1000,
    draw: options.draw,
    metrics: createQueueMetrics(parts.metrics.registry),
    onError: parts.onError,
  });
  await queue.restore(storedQueues(await parts.store.eventQueues()));
  return queue;
}
