import { describe, expect, it } from 'vitest';
import { reject } from '../domain/errors.js';
import type { EventSpec } from '../domain/types.js';
import type { Gate } from '../gate/gate.js';
import { instrumentGate } from './instrumented-gate.js';
import { createMetrics } from './metrics.js';

const spec = { id: 'e1' } as EventSpec;

/** A gate whose answers are fixed; eventIds fails, to show that failed calls are timed too. */
const fixedGate: Gate = {
  createEvent: async () => true,
  placeHold: async () => reject('sold_out'),
  knowsSoldOut: () => false,
  confirmHold: async () => reject('hold_expired'),
  releaseHold: async () => reject('hold_not_found'),
  cancelOrder: async () => reject('order_not_found'),
  updateEvent: async () => false,
  extendHold: async () => reject('hold_extension_limit'),
  confirmPaid: async () => reject('amount_mismatch'),
  confirmExpired: async () => reject('hold_expired'),
  sweepExpired: async () => ({ ok: true, expired: 3, durable: Promise.resolve() }),
  getHold: async () => undefined,
  eventState: async () => undefined,
  seatStates: async () => [{ id: 'A-1-1', status: 'sold' }],
  seatMap: async () => ({ version: 'v1', states: Buffer.from('s') }),
  eventIds: async () => {
    throw new Error('gate unreachable');
  },
  joinWaitlist: async () => reject('not_sold_out'),
  leaveWaitlist: async () => reject('waitlist_entry_not_found'),
  waitlistSpot: async () => undefined,
};

function countOf(exposition: string, operation: string): number {
  const line = exposition
    .split('\n')
    .find((l) => l.startsWith(`boxoffice_gate_call_duration_seconds_count{operation="${operation}"}`));
  return Number(line?.split(' ')[1]);
}

describe('instrumentGate', () => {
  it('answers what the wrapped gate answers and times every call by Gate method, failures included', async () => {
    const metrics = createMetrics();
    const gate = instrumentGate(fixedGate, metrics);
    expect(await gate.createEvent(spec)).toBe(true);
    const command = { eventId: 'e1', request: { userId: 'u', quantity: 1 }, confirm: false, nowMs: 0 };
    expect(await gate.placeHold(command)).toEqual(reject('sold_out'));
    expect(await gate.placeHold(command)).toEqual(reject('sold_out'));
    expect(await gate.confirmHold('h', 0)).toEqual(reject('hold_expired'));
    expect(await gate.releaseHold('h', 0)).toEqual(reject('hold_not_found'));
    expect(await gate.sweepExpired(0)).toMatchObject({ expired: 3 });
    expect(await gate.getHold('h')).toBeUndefined();
    expect(await gate.eventState('e1')).toBeUndefined();
    expect(await gate.seatStates('e1')).toEqual([{ id: 'A-1-1', status: 'sold' }]);
    expect((await gate.seatMap('e1'))?.version).toBe('v1');
    await expect(gate.eventIds()).rejects.toThrow('gate unreachable');

    const exposition = await metrics.registry.metrics();
    expect(countOf(exposition, 'placeHold')).toBe(2);
    for (const operation of [
      'createEvent',
      'confirmHold',
      'releaseHold',
      'sweepExpired',
      'getHold',
      'eventState',
      'seatStates',
      'seatMap',
      'eventIds',
    ])
      expect(countOf(exposition, operation), operation).toBe(1);
  });

  it('shares one series per operation between two wrapped gates of one Metrics', async () => {
    const metrics = createMetrics();
    await instrumentGate(fixedGate, metrics).createEvent(spec);
    await instrumentGate(fixedGate, metrics).createEvent(spec);
    const exposition = await metrics.registry.metrics();
    expect(countOf(exposition, 'createEvent')).toBe(2);
  });
});
