// Metrics of the waiting room. Names are fixed here: the Grafana dashboard and the alert rules query them.
// Gauges are per event and set by this instance's admission steps: every instance reads the same Redis
// state, so dashboards take max() across instances, never sum().
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AdmissionStep } from './waiting-room.js';

export interface QueueMetrics {
  step(eventId: string, step: AdmissionStep): void;
  forget(eventId: string): void;
}

/** Waits of admitted buyers, from joining to admission: seconds to an hour and more. */
const WAIT_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

export function createQueueMetrics(registry: Registry): QueueMetrics {
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['event'] as const, registers: [registry] });
  const waiting = gauge('boxoffice_queue_waiting', 'Buyers waiting in the queue of an event.');
  const active = gauge(
    'boxoffice_queue_active_passes',
    'Passes of an event still valid (admitted buyers shopping).',
  );
  const rate = gauge(
    'boxoffice_queue_admission_rate_per_minute',
    'Buyers admitted in the last minute: the measured rate the estimates use.',
  );
  const soldOut = gauge('boxoffice_queue_sold_out', '1 while the queue tells its buyers sold_out.');
  const admitted = new Counter({
    name: 'boxoffice_queue_admitted_total',
    help: 'Buyers admitted (passes issued), by the admission steps of this instance.',
    registers: [registry],
  });
  const abandoned = new Counter({
    name: 'boxoffice_queue_abandoned_total',
    help: 'Waiting buyers who lost their place because they were not heard from in time.',
    registers: [registry],
  });
  const wait = new Histogram({
    name: 'boxoffice_queue_wait_seconds',
    help: 'Time from joining the queue to admission.',
    buckets: WAIT_BUCKETS_SECONDS,
    registers: [registry],
  });
  // Present from the start, so that rate() and increase() see the first admission.
  admitted.inc(0);
  abandoned.inc(0);
  return {
    step(eventId, step) {
      const labels = { event: eventId };
      waiting.set(labels, step.waiting);
      active.set(labels, step.active);
      rate.set(labels, step.admittedInWindow);
      soldOut.set(labels, step.soldOut ? 1 : 0);
      admitted.inc(step.admitted.length);
      abandoned.inc(step.abandoned);
      for (const buyer of step.admitted) wait.observe(Math.max(0, step.nowMs - buyer.joinedAtMs) / 1000);
    },
    forget(eventId) {
      const labels = { event: eventId };
      for (const family of [waiting, active, rate, soldOut]) family.remove(labels);
    },
  };
}
