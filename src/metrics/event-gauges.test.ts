import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { EventState } from '../domain/types.js';
import { registerEventGauges } from './event-gauges.js';

function stateOf(id: string, sold: number): EventState {
  return {
    spec: { id } as EventState['spec'],
    salesOpen: true,
    capacity: 10,
    available: 10 - sold - 1,
    held: 1,
    sold,
    pools: [],
    sections: [],
  };
}

/** A gate that lists events in creation order, like the memory gate, and counts how often it is listed. */
function fakeGate(ids: string[]) {
  const gate = {
    ids,
    listed: 0,
    failing: false,
    async eventIds() {
      gate.listed++;
      if (gate.failing) throw new Error('gate unreachable');
      return [...gate.ids];
    },
    async eventState(id: string) {
      return gate.ids.includes(id) ? stateOf(id, Number(id.slice(1))) : undefined;
    },
  };
  return gate;
}

function sampleLines(exposition: string): string[] {
  return exposition.split('\n').filter((line) => line.startsWith('boxoffice_'));
}

describe('registerEventGauges', () => {
  it('exports capacity, available, held and sold per event, read once per scrape', async () => {
    const registry = new Registry();
    const gate = fakeGate(['e1', 'e2']);
    registerEventGauges(registry, gate);
    const lines = sampleLines(await registry.metrics());
    expect(gate.listed).toBe(1);
    expect(lines).toEqual(
      expect.arrayContaining([
        'boxoffice_gate_events 2',
        'boxoffice_event_capacity{event="e1"} 10',
        'boxoffice_event_available{event="e1"} 8',
        'boxoffice_event_held{event="e1"} 1',
        'boxoffice_event_sold{event="e2"} 2',
      ]),
    );
    expect(lines).toHaveLength(1 + 4 * 2);
  });

  it('exports only the most recent events beyond the cap, and drops events that left the gate', async () => {
    const registry = new Registry();
    const gate = fakeGate(['e1', 'e2', 'e3']);
    registerEventGauges(registry, gate, { eventsMax: 2 });
    let lines = sampleLines(await registry.metrics());
    expect(lines).toContain('boxoffice_gate_events 3');
    expect(lines.filter((line) => line.startsWith('boxoffice_event_sold'))).toEqual([
      'boxoffice_event_sold{event="e2"} 2',
      'boxoffice_event_sold{event="e3"} 3',
    ]);
    gate.ids = ['e3'];
    lines = sampleLines(await registry.metrics());
    expect(lines.filter((line) => line.startsWith('boxoffice_event_sold'))).toEqual([
      'boxoffice_event_sold{event="e3"} 3',
    ]);
  });

  it('keeps the scrape alive and the last values when the gate fails', async () => {
    const registry = new Registry();
    const gate = fakeGate(['e1']);
    registerEventGauges(registry, gate);
    const before = await registry.metrics();
    gate.failing = true;
    expect(await registry.metrics()).toBe(before);
  });

  it('gives up on a gate that does not answer within the read timeout', async () => {
    const registry = new Registry();
    const gate = fakeGate(['e1']);
    registerEventGauges(registry, gate, { readTimeoutMs: 50 });
    const before = await registry.metrics();
    gate.eventIds = () => new Promise<string[]>(() => {});
    const startedMs = performance.now();
    expect(await registry.metrics()).toBe(before);
    expect(performance.now() - startedMs).toBeLessThan(1_000);
  });
});
