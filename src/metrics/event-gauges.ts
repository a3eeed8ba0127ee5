// Per-event sale state as gauges: boxoffice_event_{capacity,available,held,sold}{event}. They are read from
// the gate when Prometheus scrapes (prom-client's collect()), so selling costs nothing extra.
//
// Cardinality: four series per exported event per process. At most EXPORTED_EVENTS_MAX events are
// exported, the most recently created ones (the gate lists events in creation order);
// boxoffice_gate_events counts them all, so a dashboard can tell when the list was cut.
import { Gauge, type Registry } from 'prom-client';
import type { Availability } from '../domain/types.js';
import type { Gate } from '../gate/gate.js';

/**
 * A flash sale sells a handful of events at once; 100 events are 400 series per process and, on a Redis
 * gate, 100 reads per scrape. Past events keep their final counts in the store's stats and audit.
 */
export const EXPORTED_EVENTS_MAX = 100;

/**
 * A gate that has not answered the scrape's read by then counts as down. Prometheus gives the whole scrape
 * 4 s here (deploy/prometheus.yml); a Redis that hangs must not take the other metrics down with it.
 */
export const GATE_READ_TIMEOUT_MS = 1_000;

export interface EventGaugeOptions {
  readonly eventsMax?: number;
  readonly readTimeoutMs?: number;
}

type EventSource = Pick<Gate, 'eventIds' | 'eventState'>;

interface GateSnapshot {
  readonly eventCount: number;
  readonly events: readonly (Availability & { readonly id: string })[];
}

const COUNTS = ['capacity', 'available', 'held', 'sold'] as const satisfies readonly (keyof Availability)[];

const HELP: Record<(typeof COUNTS)[number], string> = {
  capacity: 'Seats and pool tickets an event has in all, from the gate.',
  available: 'Seats and pool tickets of an event on sale now, from the gate.',
  held: 'Seats and pool tickets of an event in live holds, from the gate.',
  sold: 'Seats and pool tickets of an event sold (confirmed), from the gate.',
};

export function registerEventGauges(
  registry: Registry,
  gate: EventSource,
  options: EventGaugeOptions = {},
): void {
  const { eventsMax = EXPORTED_EVENTS_MAX, readTimeoutMs = GATE_READ_TIMEOUT_MS } = options;
  const snapshot = oncePerScrape(() => withinMs(readGate(gate, eventsMax), readTimeoutMs));
  new Gauge({
    name: 'boxoffice_gate_events',
    help: `Events the gate sells from; per-event gauges cover the ${eventsMax} most recent.`,
    registers: [registry],
    async collect() {
      const read = await snapshot();
      if (read !== undefined) this.set(read.eventCount);
    },
  });
  for (const count of COUNTS) {
    new Gauge({
      name: `boxoffice_event_${count}`,
      help: HELP[count],
      labelNames: ['event'] as const,
      registers: [registry],
      async collect() {
        const read = await snapshot();
        if (read === undefined) return;
        // Events that left the gate or the exported window must not linger as stale series.
        this.reset();
        for (const event of read.events) this.set({ event: event.id }, event[count]);
      },
    });
  }
}

/**
 * undefined when the gate fails or does not answer in time (Redis down): that must not fail the whole
 * scrape, whose other metrics tell the story of the outage. The gauges then keep their last values, which
 * hold while nothing can be sold.
 */
async function readGate(gate: EventSource, eventsMax: number): Promise<GateSnapshot | undefined> {
  try {
    const allIds = await gate.eventIds();
    const ids = allIds.slice(-eventsMax);
    const states = await Promise.all(ids.map((id) => gate.eventState(id)));
    const events = ids.flatMap((id, i) => {
      const state = states[i];
      return state === undefined ? [] : [{ ...countsOf(state), id }];
    });
    return { eventCount: allIds.length, events };
  } catch {
    return undefined;
  }
}

/** The read's result, or undefined once timeoutMs has passed without one. */
async function withinMs<T>(read: Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function countsOf({ capacity, available, held, sold }: Availability): Availability {
  return { capacity, available, held, sold };
}

/**
 * The registry collects every metric concurrently, so the five gauges of one scrape start while the first
 * read is still pending and share it; the next scrape reads again.
 */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
