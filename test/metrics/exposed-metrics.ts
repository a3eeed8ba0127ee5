// What boxoffice's processes expose on /metrics, with samples in every family the tests can reach: an
// embedded app after traffic through every operation and most outcomes, and the live and projector
// metrics and the webhook metrics (their own registries driven by hand, so they hold samples whichever process serves them).
import { Registry } from 'prom-client';
import { createLiveMetrics } from '../../src/metrics/live-metrics.js';
import { createProjectorMetrics } from '../../src/metrics/projector-metrics.js';
import { createWebhookMetrics } from '../../src/webhooks/webhook-metrics.js';
import { admin, eventBody, manualClock, startEmbedded, uniqueEventId } from '../support/embedded.js';

export interface Expositions {
  readonly embedded: string;
  readonly live: string;
  readonly projector: string;
  readonly webhooks: string;
}

export async function scrapeEverything(): Promise<Expositions> {
  return {
    embedded: await scrapeEmbeddedAfterTraffic(),
    live: await liveExposition(),
    projector: await projectorExposition(),
    webhooks: await webhookExposition(),
  };
}

async function scrapeEmbeddedAfterTraffic(): Promise<string> {
  const clock = manualClock();
  const bo = await startEmbedded({ clock: clock.now });
  try {
    const eventId = uniqueEventId('metrics');
    const send = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      (await bo.app.inject({ method, url, payload, headers: url === '/v1/events' ? admin : {} })).json();
    await send(
      'POST',
      '/v1/events',
      eventBody(eventId, {
        pools: [{ id: 'ga', capacity: 2, price: 100 }],
        sections: [{ id: 'A', price: 200, rows: [{ id: '1', seats: 4 }] }],
      }),
    );
    const holds = `/v1/events/${eventId}/holds`;
    const confirmed = await send('POST', holds, { userId: 'u1', quantity: 1, poolId: 'ga' });
    const released = await send('POST', holds, { userId: 'u2', seats: ['A-1-1', 'A-1-2'] });
    await send('POST', `/v1/events/${eventId}/orders`, { userId: 'u3', quantity: 1, poolId: 'ga' });
    await send('POST', holds, { userId: 'u4', quantity: 1, poolId: 'ga' }); // sold_out
    await send('POST', holds, { userId: 'u4', seats: ['A-1-1'] }); // seat_unavailable
    await send('POST', `/v1/holds/${confirmed.id}/confirm`);
    await send('DELETE', `/v1/holds/${released.id}`);
    await send('POST', `/v1/holds/${released.id}/confirm`); // hold_released
    await send('POST', holds, { userId: 'u5', quantity: 1, sectionId: 'A' }); // expires below
    clock.advance(301_000);
    await bo.reservations.sweepExpired();
    await send('GET', `/v1/events/${eventId}`);
    await send('GET', `/v1/events/${eventId}/seats`);
    await send('GET', '/readyz');
    // The waiting room: a queued event, a buyer who joins and one admission step.
    const queued = uniqueEventId('metrics-queue');
    const at = new Date(clock.now()).toISOString();
    await send('POST', '/v1/events', {
      ...eventBody(queued, { pools: [{ id: 'ga', capacity: 2, price: 100 }] }),
      queue: { opensAt: at, salesStartAt: at, admitPerMinute: 600, passMinutes: 5, maxActive: 2 },
    });
    await send('POST', `/v1/events/${queued}/queue`, { userId: 'u6' });
    clock.advance(1_000);
    await bo.queue.step();
    return (await bo.app.inject({ method: 'GET', url: '/metrics' })).body;
  } finally {
    await bo.dispose();
  }
}

async function liveExposition(): Promise<string> {
  const registry = new Registry();
  const live = createLiveMetrics(registry);
  live.connections(1);
  live.sent('snapshot');
  live.sent('availability');
  live.dropped('slow_consumer');
  return registry.metrics();
}

async function projectorExposition(): Promise<string> {
  const registry = new Registry();
  const projector = createProjectorMetrics(registry);
  projector.committed(10, 0.004);
  projector.lag(0.2);
  projector.deadLettered(1);
  projector.failedBatch();
  return registry.metrics();
}

async function webhookExposition(): Promise<string> {
  const registry = new Registry();
  const webhooks = createWebhookMetrics(registry);
  webhooks.delivered('succeeded');
  webhooks.delivered('failed');
  webhooks.endpointDisabled('gone');
  webhooks.watchBacklog(
    async () => ({ depth: 3, oldestCreatedAtMs: 1_000 }),
    () => 61_000,
  );
  return registry.metrics();
}

export interface Family {
  readonly type: string;
  /** Names of the sample lines of this family (`x_bucket`, `x_sum`, ... for a histogram). */
  readonly sampleNames: ReadonlySet<string>;
}

/** The families of a text exposition by name, with the sample names each one showed. */
export function familiesOf(exposition: string): Map<string, Family> {
  const families = new Map<string, { type: string; sampleNames: Set<string> }>();
  let current: { type: string; sampleNames: Set<string> } | undefined;
  for (const line of exposition.split('\n')) {
    const typed = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (typed !== null) {
      current = { type: typed[2] as string, sampleNames: new Set() };
      families.set(typed[1] as string, current);
    } else if (line !== '' && !line.startsWith('#')) {
      current?.sampleNames.add(/^[^{ ]+/.exec(line)?.[0] as string);
    }
  }
  return families;
}

/** Every series name a query may use for a family: histograms answer as _bucket, _sum and _count. */
export function queryableNames(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}
