// What the log's entries announce: an entry marked as the one that sold its event out announces
// `event.sold_out` beside its own message, under a key of its own, so that each sell-out is one webhook.
import { describe, expect, it } from 'vitest';
import type { HoldConfirmed, HoldPlaced } from '../domain/log-entry.js';
import { orderOf } from '../domain/order.js';
import type { Hold } from '../domain/types.js';
import { isWebhookEventType, messagesOf } from './event-types.js';

const AT = Date.parse('2026-05-01T10:00:00Z');
const HOLD: Hold = {
  id: 'h.ev1.a',
  eventId: 'ev1',
  userId: 'u1',
  status: 'held',
  items: [{ poolId: 'ga', quantity: 2, price: 50 }],
  total: 100,
  createdAtMs: AT,
  expiresAtMs: AT + 600_000,
  orderToken: 'secret-token',
};
const PLACED: HoldPlaced = { type: 'hold_placed', eventId: 'ev1', atMs: AT, hold: HOLD };

describe('the messages of an entry', () => {
  it('offers event.sold_out as a type endpoints may subscribe to', () => {
    expect(isWebhookEventType('event.sold_out')).toBe(true);
  });

  it('announces the placement that sold the event out, with ids and the time only', () => {
    expect(messagesOf(PLACED)).toEqual([]);
    const [message, ...rest] = messagesOf({ ...PLACED, soldOut: true });
    expect(rest).toEqual([]);
    expect(message).toEqual({
      type: 'event.sold_out',
      entryKey: 'event.sold_out:hold_placed:h.ev1.a',
      eventId: 'ev1',
      payload: {
        type: 'event.sold_out',
        timestamp: '2026-05-01T10:00:00.000Z',
        data: { eventId: 'ev1', holdId: 'h.ev1.a', soldOutAt: '2026-05-01T10:00:00.000Z' },
      },
    });
    expect(JSON.stringify(message)).not.toContain('secret-token');
  });

  it("announces an offer's or a late confirm's own message first, then the sell-out, each under its own key", () => {
    const offer: HoldPlaced = {
      ...PLACED,
      soldOut: true,
      offer: {
        id: 'wl.ev1.w',
        eventId: 'ev1',
        userId: 'u1',
        quantity: 2,
        poolId: 'ga',
        joinedAtMs: AT,
        seq: 1,
      },
    };
    expect(messagesOf(offer).map((m) => m.type)).toEqual(['waitlist.offered', 'event.sold_out']);
    const retaken: HoldConfirmed = {
      type: 'hold_confirmed',
      eventId: 'ev1',
      atMs: AT + 700_000,
      hold: HOLD,
      order: orderOf(HOLD, AT + 700_000),
      retaken: true,
      soldOut: true,
    };
    const messages = messagesOf(retaken);
    expect(messages.map((m) => m.type)).toEqual(['order.confirmed', 'event.sold_out']);
    // The same hold sold the event out when placed and again when confirmed late: two sell-outs, two keys.
    const keys = [messagesOf({ ...PLACED, soldOut: true })[0]?.entryKey, messages[1]?.entryKey];
    expect(new Set(keys).size).toBe(2);
  });
});
