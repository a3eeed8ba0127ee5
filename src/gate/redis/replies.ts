// Reading the gate scripts' replies: the placed or confirmed hold, the refusal codes, the ending records.
import { type ErrorCode, type Rejection, reject, stockTaken } from '../../domain/errors.js';
import { orderIdOf } from '../../domain/ids.js';
import { orderOf } from '../../domain/order.js';
import { SEAT_BYTE_HELD, SEAT_BYTE_SOLD } from '../../domain/seat-bytes.js';
import type { Hold, Order, SeatStatus } from '../../domain/types.js';
import type { WaitlistEntry } from '../../domain/waitlist.js';
import { EVENT_MISSING_REPLY } from '../../log/redis/encoding.js';
import type { Confirmed, Payment, PlaceCommand, PlaceOutcome } from '../gate.js';
import { normaliseHold, withPaymentOf } from './log-stream.js';

/** A script's reply: its first element names the outcome (see isEventMissing for the event's keys gone). */
export type Reply = readonly (string | number | null)[];

/**
 * Whether a script found the event's keys gone from Redis: every script that needs them answers
 * {EVENT_MISSING} and nothing else (lua/common.lua, event_exists), read here only; the gate rebuilds the
 * event from the store and asks again (redis-gate.ts).
 */
export function isEventMissing(reply: unknown): boolean {
  return Array.isArray(reply) && reply.length === 1 && reply[0] === EVENT_MISSING_REPLY;
}

/** Every change is durable once its script has answered: the script wrote its log entry (see redis-gate.ts). */
export const ALREADY_RESOLVED = Promise.resolve();

const SCRIPT_CODES: Readonly<Record<string, ErrorCode>> = {
  sold_out: 'sold_out',
  seat_unavailable: 'seat_unavailable',
  seat_not_found: 'seat_not_found',
  limit_exceeded: 'limit_exceeded',
  idempotency_key_reused: 'idempotency_key_reused',
  pool_not_found: 'pool_not_found',
  section_not_found: 'section_not_found',
  hold_not_found: 'hold_not_found',
  hold_expired: 'hold_expired',
  order_not_found: 'order_not_found',
  sales_closed: 'sales_closed',
  hold_released: 'hold_released',
  hold_confirmed: 'hold_confirmed',
  hold_extension_limit: 'hold_extension_limit',
  amount_mismatch: 'amount_mismatch',
  not_sold_out: 'not_sold_out',
  already_waitlisted: 'already_waitlisted',
  waitlist_full: 'waitlist_full',
  waitlist_entry_not_found: 'waitlist_entry_not_found',
};

/** place-11.lua's reply, refusals included (the caller may cache a sold-out one, see SoldOutGuard). */
export function placeOutcomeOf(reply: Reply, command: PlaceCommand): PlaceOutcome {
  switch (reply[0]) {
    case 'placed': {
      const hold = holdOf(reply[1]);
      if (!command.confirm) return { ok: true, kind: 'placed', hold, durable: ALREADY_RESOLVED };
      const order = orderOf(hold, Number(reply[2]));
      const shown: Hold = { ...hold, status: 'confirmed', orderId: order.id };
      return { ok: true, kind: 'placed', hold: shown, order, durable: ALREADY_RESOLVED };
    }
    case 'replayed': {
      const live = reply[2];
      const hold = typeof live === 'string' ? holdOf(live) : undefined;
      return { ok: true, kind: 'replayed', holdId: String(reply[1]), hold, durable: ALREADY_RESOLVED };
    }
    default:
      return rejectionOf(reply);
  }
}

/** A sold-out refusal that found nothing left at all: its restock epoch (place-11.lua), else undefined. */
export function emptyAtEpochOf(reply: Reply): number | undefined {
  return reply[0] === 'reject' && reply[1] === 'sold_out' && Number(reply[4]) <= 0
    ? Number(reply[3])
    : undefined;
}

export function holdOf(json: string | number | null | undefined): Hold {
  return normaliseHold(JSON.parse(String(json)));
}

/** sweep-10.lua's reply once the event was found: holds expired, the next expiry (-1: none), Redis's now, offers. */
export function sweptOf(reply: Reply): {
  count: number;
  nextExpiry: number;
  redisNow: number;
  offers: Hold[];
} {
  if (reply[0] !== 'swept') throw new Error(`sweep-10.lua answered ${String(reply[0])}.`);
  return {
    count: Number(reply[1]),
    nextExpiry: Number(reply[2]),
    redisNow: Number(reply[3]),
    offers: holdsOf(reply, 4),
  };
}

/** The offer holds a script appended to its reply from index `from` on (lua/offers.lua). */
export function holdsOf(reply: Reply, from: number): Hold[] {
  const holds: Hold[] = [];
  for (let i = from; i < reply.length; i++) holds.push(holdOf(reply[i] as string));
  return holds;
}

export function waitlistEntryOf(json: unknown): WaitlistEntry {
  return JSON.parse(String(json)) as WaitlistEntry;
}

export function confirmedOf(reply: Reply | undefined, payment: Payment): Confirmed | Rejection {
  if (reply === undefined) return reject('hold_not_found');
  if (reply[0] !== 'confirmed') return rejectionOf(reply);
  const hold = holdOf(reply[1]);
  const late = reply[3] === 1 || reply[3] === '1';
  const order = withPaymentOf(orderOf(hold, Number(reply[2])), {
    paymentReference: payment.reference,
    late,
  });
  return { ok: true, order, durable: ALREADY_RESOLVED };
}

export function rejectionOf(reply: Reply): Rejection {
  const code = String(reply[1]);
  if (code === 'hold_expired' && reply[2] === 'stock_taken') return stockTaken();
  if (code === 'duplicate_seat') return reject('invalid_request', 'A seat is named twice.');
  const known = SCRIPT_CODES[code];
  if (known === undefined) throw new Error(`The gate script answered an unknown code: ${code}`);
  const detail = reply[2];
  if (typeof detail === 'string' && detail !== '') {
    if (known === 'seat_not_found') return reject(known, `No seat "${detail}" in this event.`);
    if (known === 'seat_unavailable') return reject(known, `Seat "${detail}" is held or sold.`);
  }
  return reject(known);
}

/** An ending record of `{ev}:ended`: '<status> <at ms> <hold json>' (common.lua's record_ending). */
export function endingOf(record: string): { hold: Hold; atMs: number; order?: Order } {
  const first = record.indexOf(' ');
  const second = record.indexOf(' ', first + 1);
  const status = record.slice(0, first) as Hold['status'];
  const atMs = Number(record.slice(first + 1, second));
  const raw = JSON.parse(record.slice(second + 1));
  const hold = normaliseHold(raw);
  const ended: Hold =
    status === 'confirmed' ? { ...hold, status, orderId: orderIdOf(hold) } : { ...hold, status };
  // A confirmation's record carries the payment reference and the late mark beside the hold (confirm-9.lua).
  const order = status === 'confirmed' ? withPaymentOf(orderOf(hold, atMs), raw) : undefined;
  return order === undefined ? { hold: ended, atMs } : { hold: ended, atMs, order };
}

export function seatStatusOf(byte: number): SeatStatus {
  return byte === SEAT_BYTE_HELD ? 'held' : byte === SEAT_BYTE_SOLD ? 'sold' : 'available';
}
