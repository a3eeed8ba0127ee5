// Entries as the scripts write them decode to the LogEntry the memory gate makes: the sold-out mark included,
// on a placement, an offer and a late confirm that took its stock back, and absent where it was not written.
import { describe, expect, it } from 'vitest';
import type { HoldConfirmed, HoldPlaced } from '../../domain/log-entry.js';
import { orderOf } from '../../domain/order.js';
import type { Hold } from '../../domain/types.js';
import { decodeEntry } from './entry-codec.js';

const HOLD: Hold = {
  id: 'h.ev1.abc',
  eventId: 'ev1',
  userId: 'u1',
  status: 'held',
  items: [{ poolId: 'ga', quantity: 2, price: 500 }],
  total: 1000,
  createdAtMs: 1_000,
  expiresAtMs: 61_000,
  orderToken: 'tok',
};

describe('the Redis entry codec', () => {
  it('round-trips the sold-out mark of placements, offers and late confirms', () => {
    const placed: HoldPlaced = {
      type: 'hold_placed',
      eventId: 'ev1',
      atMs: 1_000,
      hold: HOLD,
      soldOut: true,
    };
    const offer: HoldPlaced = {
      ...placed,
      offer: {
        id: 'wl.ev1.x',
        eventId: 'ev1',
        userId: 'u1',
        quantity: 2,
        poolId: 'ga',
        joinedAtMs: 1,
        seq: 1,
      },
    };
    const keyed: HoldPlaced = { ...placed, idempotencyKey: 'k', fingerprint: 'f' };
    const retaken: HoldConfirmed = {
      type: 'hold_confirmed',
      eventId: 'ev1',
      atMs: 70_000,
      hold: HOLD,
      order: orderOf(HOLD, 70_000),
      retaken: true,
      soldOut: true,
    };
    for (const entry of [placed, offer, keyed, retaken])
      expect(decodeEntry(JSON.stringify({ ...entry, epoch: 3 }))).toEqual({ ...entry, epoch: 3 });
  });

  it('leaves the mark out where the script wrote none', () => {
    const decoded = decodeEntry(JSON.stringify({ type: 'hold_placed', eventId: 'ev1', atMs: 1, hold: HOLD }));
    expect(decoded).not.toHaveProperty('soldOut');
  });
});
