// The log: every change of sale state is one entry. The gate decides and produces entries; the journal
// makes them durable; the store projects them. An entry is identified by its hold and its kind: a hold has
// one `hold_placed` and at most one ending, which is what makes projecting an entry twice a no-op.
import type { Hold, Order } from './types.js';
import type { WaitlistEntry } from './waitlist.js';

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

/**
 * The mark of the entry that sold the event out: it took the event's last units on sale, so that after it
 * every pool and section has none available (held + sold = capacity), where before it some were. Only the
 * entries that take stock from sale can carry it: a placement (a hold, a direct order's placement, a waitlist
 * offer) and a late confirm that takes its expired stock back (`retaken`). The gate sets it in the step that
 * decides the entry, so it is exact where a reader of the log alone could not be (the log is trimmed); each
 * time stock came back and is taken again to the last unit is a sell-out of its own.
 */
export interface SoldOutMark {
  readonly soldOut?: true;
}

export interface HoldPlaced extends EntryBase, SoldOutMark {
  readonly type: 'hold_placed';
  readonly idempotencyKey?: string;
  readonly fingerprint?: string;
  /**
   * A waitlist offer: the hold was made, in the step that returned its stock, for the buyer of this entry,
   * which leaves the waitlist with it (an undo puts it back in its place).
   */
  readonly offer?: WaitlistEntry;
}

export interface HoldConfirmed extends EntryBase, SoldOutMark {
  readonly type: 'hold_confirmed';
  /** Carries the payment reference and the late mark, when given (types.ts Order). */
  readonly order: Order;
  /**
   * A late confirm of a hold that had already expired (a `hold_expired` entry came first): its items were
   * free again and are taken from sale straight to sold, and the buyer's count grows again. Absent when the
   * hold's items were still held by it (then they move from held to sold, late or not).
   */
  readonly retaken?: true;
}

/** A live hold's expiry moved later (POST /v1/holds/:id/extend); `hold` carries the new expiry. */
export interface HoldExtended extends EntryBase {
  readonly type: 'hold_extended';
  /** The expiry before this extension: what undoing it restores. */
  readonly previousExpiresAtMs: number;
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

/**
 * A buyer joined or left an event's waitlist (domain/waitlist.ts). Not a change of a hold: it carries the
 * entry instead. An offer takes an entry out of the line with its own `hold_placed` (its `offer`), so no
 * `waitlist_left` follows an offer.
 */
export interface WaitlistChange {
  readonly type: 'waitlist_joined' | 'waitlist_left';
  readonly eventId: string;
  readonly atMs: number;
  readonly entry: WaitlistEntry;
  readonly epoch?: number;
}

/**
 * A buyer admitted from an event's waiting room (src/queue/): it may place holds with its pass until
 * `passExpiresAtMs`. Not a change of stock: the store ignores it, webhooks announce it. The pass itself is a
 * bearer secret and is never written here (anyone with the key derives it from event, buyer and expiry).
 */
export interface QueueAdmitted {
  readonly type: 'queue_admitted';
  readonly eventId: string;
  readonly atMs: number;
  /** The buyer. */
  readonly userId: string;
  readonly joinedAtMs: number;
  readonly passExpiresAtMs: number;
  /** Never written: the store does not project admissions, so no gate generation fences them. */
  readonly epoch?: number;
}

export type HoldEntry =
  | HoldPlaced
  | HoldConfirmed
  | HoldReleased
  | HoldExpired
  | HoldExtended
  | OrderCancelled;
export type LogEntry = HoldEntry | WaitlistChange | QueueAdmitted;
export type EndingEntry = HoldConfirmed | HoldReleased | HoldExpired;

/** Whether an entry is a change of a hold: every entry that carries one (not the waitlist's, not the queue's). */
export function isHoldEntry(entry: LogEntry): entry is HoldEntry {
  return 'hold' in entry;
}

export function statusAfter(entry: HoldEntry): Hold['status'] {
  switch (entry.type) {
    case 'hold_placed':
    case 'hold_extended':
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

/** What an entry is about: its hold's id, the waitlist entry's id of a waitlist change, or the admitted buyer. */
export function subjectIdOf(entry: LogEntry): string {
  if (isHoldEntry(entry)) return entry.hold.id;
  return entry.type === 'queue_admitted' ? entry.userId : entry.entry.id;
}
