// What a platform is told, derived from log entries only: an entry is a decision that is durable, so a
// webhook never announces something the gate could still undo. Payloads carry ids and amounts, no secrets.

import { orderIdOf } from '../domain/ids.js';
import { isHoldEntry, itemCount, type LogEntry, type QueueAdmitted } from '../domain/log-entry.js';

export const WEBHOOK_EVENT_TYPES = [
  'event.sold_out',
  'hold.expired',
  'hold.released',
  'order.confirmed',
  'order.cancelled',
  'waitlist.offered',
  'queue.admitted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** One message an entry produces, before it is addressed to endpoints. */
export interface WebhookMessage {
  readonly type: WebhookEventType;
  /**
   * Names the entry: a hold has at most one ending and an order at most one cancellation, so this is
   * the same every time the entry is read again (webhook ids are derived from it).
   */
  readonly entryKey: string;
  readonly eventId: string;
  /** The Standard Webhooks payload `{ type, timestamp, data }`. */
  readonly payload: { type: WebhookEventType; timestamp: string; data: Record<string, unknown> };
}

/**
 * Every message of an entry, in the order they are sent: its own (messageOf), then `event.sold_out` when the
 * gate marked it as the entry that sold the event out (domain/log-entry.ts SoldOutMark).
 */
export function messagesOf(entry: LogEntry): WebhookMessage[] {
  const own = messageOf(entry);
  const soldOut = soldOutMessageOf(entry);
  if (soldOut === undefined) return own === undefined ? [] : [own];
  return own === undefined ? [soldOut] : [own, soldOut];
}

/**
 * `event.sold_out` of a marked entry. Keyed by the entry's type and hold: a hold may sell the event out when
 * placed and again when confirmed late after its expiry returned its stock, two sell-outs with two ids.
 */
function soldOutMessageOf(entry: LogEntry): WebhookMessage | undefined {
  if (entry.type !== 'hold_placed' && entry.type !== 'hold_confirmed') return undefined;
  if (entry.soldOut !== true) return undefined;
  const type = 'event.sold_out';
  const at = new Date(entry.atMs).toISOString();
  return {
    type,
    entryKey: `${type}:${entry.type}:${entry.hold.id}`,
    eventId: entry.eventId,
    payload: { type, timestamp: at, data: { eventId: entry.eventId, holdId: entry.hold.id, soldOutAt: at } },
  };
}

/** The message of an entry, or undefined for entries no webhook announces (own placements, extensions). */
export function messageOf(entry: LogEntry): WebhookMessage | undefined {
  if (entry.type === 'queue_admitted') return admittedMessage(entry);
  // Waitlist joins and leaves announce nothing; an offer is a placement (`hold_placed` with `offer`).
  if (!isHoldEntry(entry)) return undefined;
  const hold = entry.hold;
  const base = { eventId: hold.eventId, holdId: hold.id, userId: hold.userId };
  const at = new Date(entry.atMs).toISOString();
  const make = (type: WebhookEventType, key: string, data: Record<string, unknown>): WebhookMessage => ({
    type,
    entryKey: `${type}:${key}`,
    eventId: entry.eventId,
    payload: { type, timestamp: at, data },
  });
  switch (entry.type) {
    case 'hold_placed':
      // A buyer's own placement is not announced; an offer is made by the gate, so the platform learns it here.
      if (entry.offer === undefined) return undefined;
      return make('waitlist.offered', hold.id, {
        ...base,
        waitlistEntryId: entry.offer.id,
        quantity: itemCount(hold),
        total: hold.total,
        expiresAt: new Date(hold.expiresAtMs).toISOString(),
      });
    case 'hold_expired':
      return make('hold.expired', hold.id, {
        ...base,
        quantity: itemCount(hold),
        total: hold.total,
        expiresAt: new Date(hold.expiresAtMs).toISOString(),
      });
    case 'hold_released':
      return make('hold.released', hold.id, { ...base, quantity: itemCount(hold), total: hold.total });
    case 'hold_confirmed':
      return make('order.confirmed', hold.id, {
        ...base,
        orderId: entry.order.id,
        quantity: entry.order.tickets.length,
        total: entry.order.total,
        ...(entry.order.paymentReference === undefined
          ? {}
          : { paymentReference: entry.order.paymentReference }),
        late: entry.order.late === true,
      });
    case 'order_cancelled':
      return make('order.cancelled', entry.orderId, {
        ...base,
        orderId: entry.orderId ?? orderIdOf(hold),
        quantity: itemCount(hold),
        total: hold.total,
      });
    default:
      return undefined;
  }
}

/**
 * A buyer let out of the waiting room. Its key names event, buyer and time: an embedded restart empties the
 * line, so a buyer may be admitted again later, and that is a message of its own. The pass is not sent.
 */
function admittedMessage(entry: QueueAdmitted): WebhookMessage {
  const type = 'queue.admitted';
  return {
    type,
    entryKey: `${type}:${JSON.stringify([entry.eventId, entry.userId, entry.atMs])}`,
    eventId: entry.eventId,
    payload: {
      type,
      timestamp: new Date(entry.atMs).toISOString(),
      data: {
        eventId: entry.eventId,
        userId: entry.userId,
        joinedAt: new Date(entry.joinedAtMs).toISOString(),
        passExpiresAt: new Date(entry.passExpiresAtMs).toISOString(),
      },
    },
  };
}
