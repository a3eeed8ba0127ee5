import { newHoldId, newOrderToken } from './ids.js';
import type { Hold, HoldItem } from './types.js';

/** A new live hold of items for a user, expiring ttlSeconds after nowMs. */
export function newHold(
  eventId: string,
  userId: string,
  items: readonly HoldItem[],
  nowMs: number,
  ttlSeconds: number,
): Hold {
  let total = 0;
  for (const item of items) total += item.price * item.quantity;
  return {
    id: newHoldId(eventId),
    eventId,
    userId,
    status: 'held',
    items,
    total,
    createdAtMs: nowMs,
    expiresAtMs: nowMs + ttlSeconds * 1000,
    orderToken: newOrderToken(),
  };
}
