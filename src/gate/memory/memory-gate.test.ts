import { describe, expect, it } from 'vitest';
import type { EventSpec } from '../../domain/types.js';
import { GroupCommit } from '../../journal/group-commit.js';
import { MemoryGate } from './memory-gate.js';

const SPEC: EventSpec = {
  id: 'e',
  name: 'E',
  venue: 'V',
  startsAt: '2027-01-01T00:00:00.000Z',
  holdTtlSeconds: 10,
  maxPerUser: 5,
  pools: [{ id: 'ga', name: 'GA', capacity: 3, price: 100 }],
  sections: [],
};

function gateWithFaultyStore() {
  const fault = { on: false };
  const journal = new GroupCommit(async () => {
    if (fault.on) throw new Error('injected');
  });
  return { gate: new MemoryGate(journal), fault };
}

describe('MemoryGate', () => {
  it('still expires a hold whose confirm was undone after a sweep passed over it (found by the property test)', async () => {
    const { gate, fault } = gateWithFaultyStore();
    await gate.createEvent(SPEC);
    const placed = gate.place({
      eventId: 'e',
      request: { userId: 'u', quantity: 1 },
      confirm: false,
      nowMs: 0,
    });
    if (!placed.ok || placed.kind !== 'placed') throw new Error('not placed');
    await placed.durable;
    fault.on = true;
    const confirmed = await gate.confirmHold(placed.hold.id, 5_000);
    // The sweep pops the hold's expiry while the hold is confirmed, so it skips it.
    const sweptWhileConfirmed = gate.sweep(10_000);
    expect(sweptWhileConfirmed.expired).toBe(0);
    await expect(confirmed.ok && confirmed.durable).rejects.toThrow('injected');
    fault.on = false;
    // The confirm is undone: the hold is live again and must still end.
    expect((await gate.getHold(placed.hold.id))?.status).toBe('held');
    const swept = gate.sweep(10_000);
    expect(swept.expired).toBe(1);
    await swept.durable;
    expect((await gate.eventState('e'))?.available).toBe(3);
  });

  it('refuses unknown events and holds with stable codes', async () => {
    const { gate } = gateWithFaultyStore();
    expect(
      gate.place({ eventId: 'nope', request: { userId: 'u', quantity: 1 }, confirm: false, nowMs: 0 }),
    ).toMatchObject({ code: 'event_not_found' });
    expect(await gate.confirmHold('h.e.nope', 0)).toMatchObject({ code: 'hold_not_found' });
    expect(await gate.releaseHold('h.e.nope', 0)).toMatchObject({ code: 'hold_not_found' });
    expect(await gate.createEvent(SPEC)).toBe(true);
    expect(await gate.createEvent(SPEC)).toBe(false);
  });

  it('keeps every live hold due when it compacts the stale expiries of ended holds', async () => {
    const { gate } = gateWithFaultyStore();
    const big = { ...SPEC, pools: [{ id: 'ga', name: 'GA', capacity: 20_000, price: 1 }], maxPerUser: 1 };
    await gate.createEvent(big);
    const holds: string[] = [];
    for (let n = 0; n < 12_000; n++) {
      const placed = gate.place({
        eventId: 'e',
        request: { userId: `u${n}`, quantity: 1 },
        confirm: false,
        nowMs: n,
      });
      if (!placed.ok || placed.kind !== 'placed') throw new Error('not placed');
      holds.push(placed.hold.id);
    }
    // Ending 11,000 of them leaves far more stale heap items than live holds: compaction runs.
    for (const [n, holdId] of holds.entries()) {
      if (n % 12 !== 0)
        await (n % 2 === 0 ? gate.releaseHold(holdId, 5_000) : gate.confirmHold(holdId, 5_000));
    }
    const swept = gate.sweep(10_000 + 12_000);
    expect(swept.expired).toBe(1_000);
    await swept.durable;
    expect((await gate.eventState('e'))?.held).toBe(0);
  });

  it('keeps the expiry heap bounded however often a hold is extended, and expires it at its last expiry', async () => {
    const { gate } = gateWithFaultyStore();
    await gate.createEvent({ ...SPEC, id: 'x', maxHoldSeconds: 30 });
    const placed = gate.place({
      eventId: 'x',
      request: { userId: 'u', quantity: 1, poolId: 'ga' },
      confirm: false,
      nowMs: 0,
    });
    if (!placed.ok || placed.kind !== 'placed') throw new Error('not placed');
    // 15,000 extensions, each 1 ms later than the one before: without compaction, 15,001 heap items.
    for (let n = 1; n <= 15_000; n++) {
      const extended = await gate.extendHold(placed.hold.id, 10, n);
      if (!extended.ok) throw new Error(extended.code);
    }
    expect(gate.expiryItems()).toBeLessThan(5_000);
    expect(gate.sweep(24_999).expired).toBe(0);
    expect(gate.sweep(25_000).expired).toBe(1);
  });
});
