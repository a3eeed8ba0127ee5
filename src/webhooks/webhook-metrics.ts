// Metrics of webhook delivery. Names are fixed here: the dashboard and the alert rules query them.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Backlog } from './webhook-store.js';

export type DeliveryOutcome = 'succeeded' | 'failed' | 'given_up' | 'gone';

export interface WebhookMetrics {
  delivered(outcome: DeliveryOutcome): void;
  endpointDisabled(reason: string): void;
  /** Where to read the outbox at scrape time (so a stopped sender still shows its backlog growing). */
  watchBacklog(backlog: () => Promise<Backlog>, clock: () => number): void;
}

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const deliveries = new Counter({
    name: 'boxoffice_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (succeeded, failed and retried later, given_up, gone: 410).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const disabled = new Counter({
    name: 'boxoffice_webhook_endpoints_disabled_total',
    help: 'Webhook endpoints disabled by delivery: gone (410) or failing (for too long).',
    labelNames: ['reason'],
    registers: [registry],
  });
  let read: (() => Promise<Backlog>) | undefined;
  let now: () => number = Date.now;
  let last: Promise<Backlog> | undefined;
  // One read of the outbox per scrape serves both gauges.
  const backlog = () => {
    last ??= (read?.() ?? Promise.resolve({ depth: 0 })).finally(() => {
      setImmediate(() => {
        last = undefined;
      });
    });
    return last;
  };
  new Gauge({
    name: 'boxoffice_webhook_outbox_depth',
    help: 'Webhook deliveries waiting to be sent to enabled endpoints.',
    registers: [registry],
    async collect() {
      this.set((await backlog().catch(() => ({ depth: Number.NaN }))).depth);
    },
  });
  new Gauge({
    name: 'boxoffice_webhook_oldest_pending_seconds',
    help: 'Age of the oldest webhook delivery not yet delivered to an enabled endpoint (0: none waits).',
    registers: [registry],
    async collect() {
      const found = await backlog().catch(() => undefined);
      if (found === undefined) return this.set(Number.NaN);
      this.set(
        found.oldestCreatedAtMs === undefined ? 0 : Math.max(0, now() - found.oldestCreatedAtMs) / 1000,
      );
    },
  });
  // Zero series from the start, so rates and alerts see every outcome.
  for (const outcome of ['succeeded', 'failed', 'given_up', 'gone']) deliveries.inc({ outcome }, 0);
  for (const reason of ['gone', 'failing']) disabled.inc({ reason }, 0);
  return {
    delivered: (outcome) => deliveries.inc({ outcome }),
    endpointDisabled: (reason) => disabled.inc({ reason }),
    watchBacklog(source, clock) {
      read = source;
      now = clock;
    },
  };
}
