import { describe, expect, it } from 'vitest';
import { newHold } from './hold.js';
import { eventIdOf, orderIdOf } from './ids.js';
import { orderOf } from './order.js';

describe('order and ticket ids', () => {
  const hold = newHold('ev-1', 'u1', [{ poolId: 'ga', quantity: 2, price: 10 }], 1_000, 60);

  it('have a random part of their own, so the hold id cannot be computed from them', () => {
    const order = orderOf(hold, 2_000);
    const holdPart = hold.id.slice(hold.id.lastIndexOf('.') + 1);
    expect(order.id).toBe(`o.ev-1.${hold.orderToken}`);
    expect(order.id).not.toContain(holdPart);
    expect(order.tickets.map((ticket) => ticket.id)).toEqual([
      `t.ev-1.${hold.orderToken}.0`,
      `t.ev-1.${hold.orderToken}.1`,
    ]);
    expect(eventIdOf(order.id)).toBe('ev-1');
    expect(eventIdOf(order.tickets[0]?.id as string)).toBe('ev-1');
  });

  it('are the same every time they are derived from the hold (retries, replays, rebuilds)', () => {
    expect(orderOf(hold, 2_000)).toEqual(orderOf({ ...hold }, 2_000));
    expect(orderIdOf(JSON.parse(JSON.stringify(hold)))).toBe(orderIdOf(hold));
  });

  it('keep the old derivation for holds placed before order tokens, whose orders are stored under it', () => {
    const { orderToken: _, ...old } = hold;
    expect(orderIdOf(old)).toBe(`o${hold.id.slice(1)}`);
  });
});
