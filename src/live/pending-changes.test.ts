import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../domain/log-entry.js';
import type { Hold } from '../domain/types.js';
import { PendingChanges } from './pending-changes.js';

function hold(id: string, seatIds: string[], poolQuantity = 0): Hold {
  const items = seatIds.map((seatId) => ({ seatId, quantity: 1, price: 1 }));
  const pool = poolQuantity > 0 ? [{ poolId: 'ga', quantity: poolQuantity, price: 1 }] : [];
  return {
    id,
    eventId: 'e',
    userId: 'u',
    status: 'held',
    items: [...items, ...pool],
    total: 0,
    createdAtMs: 0,
    expiresAtMs: 1,
  };
}

function entry(type: 'hold_placed' | 'hold_released' | 'hold_expired', of: Hold): LogEntry {
  return { type, eventId: 'e', atMs: 0, hold: of };
}

describe('PendingChanges', () => {
  it('keeps the latest status per seat and counts every entry by kind', () => {
    const pending = new PendingChanges();
    const first = hold('h1', ['A-1-1', 'A-1-2']);
    const second = hold('h2', ['A-1-1'], 3);
    pending.apply([entry('hold_placed', first), entry('hold_released', first)]);
    pending.apply([entry('hold_placed', second)]);
    pending.apply([{ type: 'hold_confirmed', eventId: 'e', atMs: 0, hold: second, order: {} as never }]);
    expect(pending.dirty).toBe(true);
    const { seats, activity } = pending.take();
    expect([...seats]).toEqual([
      ['A-1-1', 'sold'],
      ['A-1-2', 'available'],
    ]);
    expect(activity).toEqual({ placed: 2, confirmed: 1, released: 1, expired: 0, extended: 0 });
    expect(pending.dirty).toBe(false);
  });

  it('starts afresh after take(), and pool-only entries leave the seats empty', () => {
    const pending = new PendingChanges();
    pending.apply([entry('hold_placed', hold('h1', ['A-1-1']))]);
    pending.take();
    pending.apply([entry('hold_expired', hold('h2', [], 2))]);
    const { seats, activity } = pending.take();
    expect(seats.size).toBe(0);
    expect(activity).toEqual({ placed: 0, confirmed: 0, released: 0, expired: 1, extended: 0 });
  });

  it('counts an extension and keeps its seats held, not freed', () => {
    const pending = new PendingChanges();
    const held = hold('h1', ['A-1-1']);
    pending.apply([entry('hold_placed', held)]);
    pending.take();
    pending.apply([
      {
        type: 'hold_extended',
        eventId: 'e',
        atMs: 0,
        hold: { ...held, expiresAtMs: 9 },
        previousExpiresAtMs: 1,
      },
    ]);
    const { seats, activity } = pending.take();
    expect([...seats]).toEqual([['A-1-1', 'held']]);
    expect(activity).toEqual({ placed: 0, confirmed: 0, released: 0, expired: 0, extended: 1 });
  });

  it("shows a cancelled order's seats available again, counted with the stock that returned to sale", () => {
    const pending = new PendingChanges();
    const sold = hold('h1', ['A-1-1', 'A-1-2']);
    pending.apply([{ type: 'hold_confirmed', eventId: 'e', atMs: 0, hold: sold, order: {} as never }]);
    pending.apply([
      { type: 'order_cancelled', eventId: 'e', atMs: 1, hold: sold, orderId: 'o', confirmedAtMs: 0 },
    ]);
    const { seats, activity } = pending.take();
    expect([...seats]).toEqual([
      ['A-1-1', 'available'],
      ['A-1-2', 'available'],
    ]);
    expect(activity).toEqual({ placed: 0, confirmed: 1, released: 1, expired: 0, extended: 0 });
  });

  it('collects waitlist offers, naming the entry and the hold, until taken', () => {
    const pending = new PendingChanges();
    const offered = hold('h3', ['A-1-3']);
    const waiter = {
      id: 'w.e.x',
      eventId: 'e',
      userId: 'u',
      quantity: 1,
      sectionId: 'A',
      joinedAtMs: 0,
      seq: 1,
    };
    pending.apply([entry('hold_placed', hold('h4', ['A-1-4']))]);
    pending.apply([{ type: 'hold_placed', eventId: 'e', atMs: 0, hold: offered, offer: waiter }]);
    expect(pending.take().offers).toEqual([
      { entryId: 'w.e.x', holdId: 'h3', expiresAt: new Date(1).toISOString() },
    ]);
    expect(pending.take().offers).toEqual([]);
  });

  it('stays clean for admissions from the waiting room: no live message for them', () => {
    const pending = new PendingChanges();
    pending.apply([
      { type: 'queue_admitted', eventId: 'e', atMs: 0, userId: 'u', joinedAtMs: 0, passExpiresAtMs: 1 },
    ]);
    expect(pending.dirty).toBe(false);
  });
});
