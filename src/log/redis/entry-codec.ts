// A log entry as it travels in an event's Redis stream: the JSON of the LogEntry, written by the Lua script
// that decided it, under the field `e`. A confirmation carries no order: the order is derived from the hold
// and the time (domain/order.ts), so the script need not build tickets and every reader derives the same.
import type { LogEntry, SoldOutMark } from '../../domain/log-entry.js';
import { orderOf } from '../../domain/order.js';
import type { Hold, Order } from '../../domain/types.js';
import type { WaitlistEntry } from '../../domain/waitlist.js';
import { ENTRY_FIELD, ENTRY_SOLD_OUT_FIELD } from './encoding.js';

interface StreamedEntry {
  readonly type: LogEntry['type'];
  /** waitlist_joined and waitlist_left only (lua/waitlist-11.lua). */
  readonly entry?: WaitlistEntry;
  readonly eventId: string;
  readonly atMs: number;
  readonly hold: Hold;
  readonly idempotencyKey?: string;
  readonly fingerprint?: string;
  readonly epoch?: number;
  /** order_cancelled only. */
  readonly orderId?: string;
  readonly confirmedAtMs?: number;
  readonly paymentReference?: string;
  readonly late?: boolean;
  readonly retaken?: boolean;
  readonly previousExpiresAtMs?: number;
  /** hold_placed of a waitlist offer only. */
  readonly offer?: WaitlistEntry;
  /** ENTRY_SOLD_OUT_FIELD: hold_placed, or hold_confirmed with retaken, that sold the event out. */
  readonly soldOut?: boolean;
  /** queue_admitted only (queue/redis/lua/admit-7.lua). */
  readonly userId?: string;
  readonly joinedAtMs?: number;
  readonly passExpiresAtMs?: number;
}

/** Decodes the JSON of one stream entry into a LogEntry; throws on anything that is not one. */
export function decodeEntry(json: string): LogEntry {
  const raw = JSON.parse(json) as StreamedEntry;
  if (
    typeof raw === 'object' &&
    raw !== null &&
    (raw.type === 'waitlist_joined' || raw.type === 'waitlist_left') &&
    typeof raw.entry?.id === 'string'
  ) {
    const change = { type: raw.type, eventId: raw.eventId, atMs: raw.atMs, entry: raw.entry };
    return typeof raw.epoch === 'number' ? { ...change, epoch: raw.epoch } : change;
  }
  if (
    typeof raw === 'object' &&
    raw !== null &&
    raw.type === 'queue_admitted' &&
    typeof raw.userId === 'string'
  )
    return {
      type: 'queue_admitted',
      eventId: raw.eventId,
      atMs: raw.atMs,
      userId: raw.userId,
      joinedAtMs: Number(raw.joinedAtMs),
      passExpiresAtMs: Number(raw.passExpiresAtMs),
    };
  if (typeof raw !== 'object' || raw === null || typeof raw.hold?.id !== 'string')
    throw new Error('Not a log entry.');
  const hold = normaliseHold(raw.hold);
  const base =
    typeof raw.epoch === 'number'
      ? { eventId: raw.eventId, atMs: raw.atMs, hold, epoch: raw.epoch }
      : { eventId: raw.eventId, atMs: raw.atMs, hold };
  switch (raw.type) {
    case 'hold_placed': {
      const entry: LogEntry = { type: 'hold_placed', ...base, ...soldOutOf(raw) };
      if (raw.offer !== undefined) return { ...entry, offer: raw.offer };
      if (raw.idempotencyKey !== undefined)
        return { ...entry, idempotencyKey: raw.idempotencyKey, fingerprint: raw.fingerprint };
      return entry;
    }
    case 'hold_confirmed': {
      const order = withPaymentOf(orderOf(hold, raw.atMs), raw);
      return raw.retaken === true
        ? { type: 'hold_confirmed', ...base, order, retaken: true, ...soldOutOf(raw) }
        : { type: 'hold_confirmed', ...base, order };
    }
    case 'hold_extended':
      return { type: 'hold_extended', ...base, previousExpiresAtMs: Number(raw.previousExpiresAtMs) };
    case 'hold_released':
      return { type: 'hold_released', ...base };
    case 'hold_expired':
      return { type: 'hold_expired', ...base };
    case 'order_cancelled':
      return {
        type: 'order_cancelled',
        ...base,
        orderId: String(raw.orderId),
        confirmedAtMs: Number(raw.confirmedAtMs),
      };
    default:
      throw new Error(`Unknown log entry type ${String(raw.type)}.`);
  }
}

/** The sold-out mark as the entry carries it (absent unless set: most entries have none). */
function soldOutOf(raw: StreamedEntry): SoldOutMark {
  return raw[ENTRY_SOLD_OUT_FIELD] === true ? { soldOut: true } : {};
}

/** The order with the payment reference and late mark that confirm-9.lua wrote beside the hold, if any. */
export function withPaymentOf(order: Order, raw: { paymentReference?: unknown; late?: unknown }): Order {
  let shown = order;
  if (typeof raw.paymentReference === 'string') shown = { ...shown, paymentReference: raw.paymentReference };
  if (raw.late === true) shown = { ...shown, late: true };
  return shown;
}

/** The fields of a stream entry as ioredis returns them ([field, value, ...]) → the entry's JSON. */
export function entryJsonOf(fields: readonly string[]): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === ENTRY_FIELD) return fields[i + 1];
  return undefined;
}

/** Holds as Lua's cjson writes them: a live hold is always `held`, and items keep only their own fields. */
export function normaliseHold(raw: Hold): Hold {
  return {
    id: raw.id,
    eventId: raw.eventId,
    userId: raw.userId,
    status: 'held',
    items: raw.items.map((item) =>
      item.seatId !== undefined
        ? { seatId: item.seatId, quantity: item.quantity, price: item.price }
        : { poolId: item.poolId, quantity: item.quantity, price: item.price },
    ),
    total: raw.total,
    createdAtMs: raw.createdAtMs,
    expiresAtMs: raw.expiresAtMs,
    ...(raw.orderToken === undefined ? {} : { orderToken: raw.orderToken }),
  };
}
