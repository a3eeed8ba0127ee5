// Metrics of the live WebSocket fan-out. Names are fixed here: the Grafana dashboard queries them.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface LiveMetrics {
  /** One live client connected (+1) or gone (-1). */
  connections(delta: number): void;
  /** One message sent to one client; type is `snapshot`, `availability` or `seats`. */
  sent(type: string): void;
  /** A client dropped by the server; reason is e.g. `slow_consumer`. */
  dropped(reason: string): void;
}

export function createLiveMetrics(registry: Registry): LiveMetrics {
  const connections = new Gauge({
    name: 'boxoffice_live_connections',
    help: 'Open live (WebSocket) connections.',
    registers: [registry],
  });
  const messages = new Counter({
    name: 'boxoffice_live_messages_sent_total',
    help: 'Messages sent to live clients, by type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const drops = new Counter({
    name: 'boxoffice_live_dropped_total',
    help: 'Live clients dropped by the server, by reason (slow_consumer: send buffer over its bound).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // Present at 0 from the start, so that increase() over the first drop sees it.
  drops.inc({ reason: 'slow_consumer' }, 0);
  return {
    connections: (delta) => connections.inc(delta),
    sent: (type) => messages.inc({ type }),
    dropped: (reason) => drops.inc({ reason }),
  };
}
