// The log: every change of sale state is one entry. The gate decides and produces entries; the journal
// makes them durable; the store projects them. An entry is identified by its hold and its kind: a hold has
// one `hold_placed` and at most one ending, which is what makes projecting an entry twice a no-op.
import type { Hold, Order } from './types.js';

interface EntryBase {
  readonly eventId: string;
  readonly atMs: number;
  /** The hold as it was when live: every entry carries it so that it can be undone and projected alone. */
  readonly hold: Hold;
  /**
   * Distributed shape: the generation of the event's gate state the entry was decided under. The store
   * refuses entries of an older generation than its own (a rebuild started a new one). Absent in the
   * embedded shape and in entries written before generations existed: never refused.
   */
  readonly epoch?: number;
}

export interface HoldPlaced extends EntryBase {
  readonly type: 'hold_placed';
  readonly idempotencyKey?: string;
  readonly fingerprint?: string;
}

export interface HoldConfirmed extends EntryBase {
  readonly type: 'hold_confirmed';
  readonly order: Order;
}

export interface HoldReleased extends EntryBase {
  readonly type: 'hold_released';
}

export interface HoldExpired extends EntryBase {
  readonly type: 'hold_expired';
}

/**
 * A confirmed hold's order cancelled: its tickets are void and its stock is on sale again. `hold` is the
 * confirmed hold (as placed); the order is derived from it (domain/order.ts) with `confirmedAtMs`, so that
 * the entry can be projected alone, before or after the hold's confirmation. An order is cancelled at most
 * once: the gate refuses a second cancellation before it could append one.
 */
export interface OrderCancelled extends EntryBase {
  readonly type: 'order_cancelled';
  readonly orderId: string;
  readonly confirmedAtMs: number;
}

export type LogEntry = HoldPlaced | HoldConfirmed | HoldReleased | HoldExpired | OrderCancelled;
export type EndingEntry = HoldConfirmed | HoldReleased | HoldExpired;

export function statusAfter(entry: LogEntry): Hold['status'] {
  switch (entry.type) {
    case 'hold_placed':
      return 'held';
    case 'hold_confirmed':
    case 'order_cancelled':
      // The hold ended confirmed; the cancellation is its order's history, not the hold's.
      return 'confirmed';
    case 'hold_released':
      return 'released';
    case 'hold_expired':
      return 'expired';
  }
}

export function itemCount(hold: Pick<Hold, 'items'>): number {
  let count = 0;
  for (const item of hold.items) count += item.quantity;
  return count;
}
