// Projects a batch of log entries into holds, orders and tickets: one statement per table, each taking the
// whole batch as one JSON parameter (PGlite pays per statement and per parameter, not per row of a set).
// The embedded shape writes the three and its integrity counters in one statement (integrity/counters.ts).
//
// Commutative per hold, so that entries may arrive in any order and any number of times (several projector
// workers share one stream; a worker may commit a hold's ending before another commits its placement):
// - every entry carries the whole hold, so each hold becomes one row with the status it reaches in this
//   batch, inserted when missing; an existing row moves only away from 'held' (a placement never moves an
//   ended hold back, a second ending never overwrites the first), and a placement fills in the idempotency
//   key that an ending projected before it could not know;
// - one exception to "the first ending wins": a late confirm (entry `retaken`, after the hold's expiry) moves
//   an 'expired' row to 'confirmed', and an expiry projected after it never moves it back, so both orders
//   of the two entries give 'confirmed' (a gate decides a late confirm only after the expiry);
// - an extension moves expires_at_ms later only (GREATEST), so extensions commute with each other and with
//   the placement and the ending, which carry the hold as it was when they were decided;
// - orders and tickets are inserted by the confirmation whatever the hold row looked like, ON CONFLICT (id)
//   DO NOTHING. A second ticket for one seat violates tickets_one_per_seat and fails the batch, so the store
//   never records a double booking, even if a gate were wrong.
// - a cancellation carries the hold, the order id and the confirmation time, so it too inserts the hold, the
//   order and the tickets when missing (as cancelled and void), and marks existing ones. It runs before the
//   tickets are inserted: a seat a cancellation freed may be sold again in the same batch.
// Rows are sorted by id: concurrent batches then take row locks in one order and cannot deadlock each other.
import type { HoldEntry, LogEntry } from '../domain/log-entry.js';
import { isHoldEntry, itemCount, statusAfter } from '../domain/log-entry.js';
import { orderOf } from '../domain/order.js';
import type { HoldStatus, Order, OrderStatus } from '../domain/types.js';
import { countedWrite } from './integrity/counters.js';
import type { SqlExecutor } from './sql-driver.js';
import { projectWaitlist } from './waitlist-projection.js';

const UPSERT_HOLDS = `
INSERT INTO holds (id, event_id, user_id, status, items, quantity, total, created_at_ms, expires_at_ms,
                   ended_at_ms, idempotency_key, fingerprint, order_token)
SELECT id, event_id, user_id, status, items, quantity, total, created_at_ms, expires_at_ms, ended_at_ms,
       idempotency_key, fingerprint, order_token
FROM jsonb_to_recordset($1::jsonb) AS b(id text, event_id text, user_id text, status text, items jsonb,
     quantity integer, total bigint, created_at_ms bigint, expires_at_ms bigint, ended_at_ms bigint,
     idempotency_key text, fingerprint text, order_token text)
ON CONFLICT (id) DO UPDATE SET
  status = CASE WHEN holds.status = 'held' OR (holds.status = 'expired' AND excluded.status = 'confirmed')
                THEN excluded.status ELSE holds.status END,
  ended_at_ms = CASE WHEN holds.status = 'held' OR (holds.status = 'expired' AND excluded.status = 'confirmed')
                     THEN excluded.ended_at_ms ELSE holds.ended_at_ms END,
  expires_at_ms = GREATEST(holds.expires_at_ms, excluded.expires_at_ms),
  idempotency_key = coalesce(holds.idempotency_key, excluded.idempotency_key),
  fingerprint = coalesce(holds.fingerprint, excluded.fingerprint)
WHERE (holds.status = 'held' AND excluded.status <> 'held')
   OR (holds.status = 'expired' AND excluded.status = 'confirmed')
   OR excluded.expires_at_ms > holds.expires_at_ms
   OR (holds.idempotency_key IS NULL AND excluded.idempotency_key IS NOT NULL)`;

const INSERT_ORDERS = `
INSERT INTO orders (id, hold_id, event_id, user_id, total, ticket_count, created_at_ms, status, cancelled_at_ms,
                    payment_reference, late)
SELECT id, hold_id, event_id, user_id, total, ticket_count, created_at_ms, status, cancelled_at_ms,
       payment_reference, late
FROM jsonb_to_recordset($1::jsonb) AS b(id text, hold_id text, event_id text, user_id text, total bigint,
     ticket_count integer, created_at_ms bigint, status text, cancelled_at_ms bigint, payment_reference text,
     late boolean)
ON CONFLICT (id) DO NOTHING`;

const INSERT_TICKETS = `
INSERT INTO tickets (id, order_id, event_id, user_id, seat_id, pool_id, price, voided)
SELECT id, order_id, event_id, user_id, seat_id, pool_id, price, voided
FROM jsonb_to_recordset($1::jsonb) AS b(id text, order_id text, event_id text, user_id text, seat_id text,
     pool_id text, price bigint, voided boolean)
ON CONFLICT (id) DO NOTHING`;

/** Cancellations of orders already stored: [[order id, cancelled at ms]]. Each order is cancelled once. */
const CANCEL_ORDERS = `
WITH c AS (SELECT c->>0 AS id, (c->>1)::bigint AS at FROM jsonb_array_elements($1::jsonb) AS c),
o AS (UPDATE orders SET status = 'cancelled', cancelled_at_ms = c.at FROM c
      WHERE orders.id = c.id AND orders.status = 'confirmed' RETURNING orders.id)
UPDATE tickets SET voided = true FROM c WHERE tickets.order_id = c.id AND NOT tickets.voided`;

interface HoldRow {
  id: string;
  event_id: string;
  user_id: string;
  status: HoldStatus;
  items: unknown;
  quantity: number;
  total: number;
  created_at_ms: number;
  expires_at_ms: number;
  ended_at_ms: number | null;
  idempotency_key: string | null;
  fingerprint: string | null;
  order_token: string | null;
}

interface Rows {
  readonly holds: Map<string, HoldRow>;
  readonly orders: Map<string, OrderRow>;
  readonly tickets: Map<string, TicketRow>;
  /** Order id → cancelled at ms. */
  readonly cancelled: Map<string, number>;
}

/** `counted`: the same rows, written with the integrity counters of their events (embedded shape). */
export type Projection = 'plain' | 'counted';

/** All three writes and the counters in one statement: PGlite pays per statement (counters.ts). */
const COUNTED_WRITE = countedWrite({
  holds: UPSERT_HOLDS,
  orders: INSERT_ORDERS.replace('$1', '$2'),
  tickets: INSERT_TICKETS.replace('$1', '$3'),
});

export async function project(
  tx: SqlExecutor,
  entries: readonly LogEntry[],
  projection: Projection = 'plain',
): Promise<void> {
  // The waitlist's changes and the offers that end its entries (waitlist-projection.ts).
  await projectWaitlist(tx, entries);
  const rows = rowsOf(entries.filter(isHoldEntry));
  // Before the tickets: a seat freed by a cancellation may have a new ticket in this very batch.
  if (rows.cancelled.size > 0) {
    const cancelled = [...rows.cancelled].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    await tx.query(CANCEL_ORDERS, [JSON.stringify(cancelled)]);
  }
  if (projection === 'counted') {
    // Every entry carries its hold: no holds, no entries.
    if (rows.holds.size === 0) return;
    const values = [rows.holds, rows.orders, rows.tickets].map(jsonSortedById);
    await tx.query(COUNTED_WRITE, values);
    return;
  }
  // Order matters: orders reference holds and tickets reference orders.
  if (rows.holds.size > 0) await tx.query(UPSERT_HOLDS, [jsonSortedById(rows.holds)]);
  if (rows.orders.size > 0) await tx.query(INSERT_ORDERS, [jsonSortedById(rows.orders)]);
  if (rows.tickets.size > 0) await tx.query(INSERT_TICKETS, [jsonSortedById(rows.tickets)]);
}

/** One row per hold (its status after this batch), one per order, one per ticket. */
function rowsOf(entries: readonly HoldEntry[]): Rows {
  const rows: Rows = { holds: new Map(), orders: new Map(), tickets: new Map(), cancelled: new Map() };
  for (const entry of entries) {
    const row = holdRowOf(rows.holds, entry);
    row.expires_at_ms = Math.max(row.expires_at_ms, entry.hold.expiresAtMs);
    if (entry.type === 'hold_extended') continue;
    if (entry.type === 'hold_placed') {
      row.idempotency_key ??= entry.idempotencyKey ?? null;
      row.fingerprint ??= entry.fingerprint ?? null;
      continue;
    }
    // The first ending of a hold in the batch wins, as the first committed ending wins in the table.
    const lateConfirm = row.status === 'expired' && entry.type === 'hold_confirmed';
    if (row.status === 'held' || lateConfirm) {
      row.status = statusAfter(entry);
      row.ended_at_ms = entry.type === 'order_cancelled' ? entry.confirmedAtMs : entry.atMs;
    }
    if (entry.type === 'hold_confirmed' && !rows.orders.has(entry.order.id)) addOrder(rows, entry.order);
    if (entry.type === 'order_cancelled' && !rows.cancelled.has(entry.orderId)) {
      rows.cancelled.set(entry.orderId, entry.atMs);
      if (!rows.orders.has(entry.orderId)) addOrder(rows, orderOf(entry.hold, entry.confirmedAtMs));
    }
  }
  // Orders inserted by this batch are inserted as they end it: cancelled, with void tickets.
  for (const [orderId, atMs] of rows.cancelled) {
    const order = rows.orders.get(orderId) as OrderRow;
    order.status = 'cancelled';
    order.cancelled_at_ms = atMs;
  }
  if (rows.cancelled.size > 0)
    for (const ticket of rows.tickets.values()) if (rows.cancelled.has(ticket.order_id)) ticket.voided = true;
  return rows;
}

function holdRowOf(holds: Map<string, HoldRow>, entry: HoldEntry): HoldRow {
  const hold = entry.hold;
  let row = holds.get(hold.id);
  if (row === undefined) {
    row = {
      id: hold.id,
      event_id: hold.eventId,
      user_id: hold.userId,
      status: 'held',
      items: hold.items,
      quantity: itemCount(hold),
      total: hold.total,
      created_at_ms: hold.createdAtMs,
      expires_at_ms: hold.expiresAtMs,
      ended_at_ms: null,
      idempotency_key: null,
      fingerprint: null,
      // Every entry carries the whole hold, token included, so whichever entry inserts the row records it.
      order_token: hold.orderToken ?? null,
    };
    holds.set(hold.id, row);
  }
  return row;
}

interface OrderRow {
  id: string;
  hold_id: string;
  event_id: string;
  user_id: string;
  total: number;
  ticket_count: number;
  created_at_ms: number;
  status: OrderStatus;
  cancelled_at_ms: number | null;
  payment_reference: string | null;
  late: boolean;
}

interface TicketRow {
  id: string;
  order_id: string;
  event_id: string;
  user_id: string;
  seat_id: string | null;
  pool_id: string | null;
  price: number;
  voided: boolean;
}

function addOrder(rows: Rows, order: Order): void {
  rows.orders.set(order.id, {
    id: order.id,
    hold_id: order.holdId,
    event_id: order.eventId,
    user_id: order.userId,
    total: order.total,
    ticket_count: order.tickets.length,
    created_at_ms: order.createdAtMs,
    payment_reference: order.paymentReference ?? null,
    late: order.late === true,
    status: 'confirmed',
    cancelled_at_ms: null,
  } satisfies OrderRow);
  for (const ticket of order.tickets) {
    rows.tickets.set(ticket.id, {
      id: ticket.id,
      order_id: ticket.orderId,
      event_id: ticket.eventId,
      user_id: ticket.userId,
      seat_id: ticket.seatId ?? null,
      pool_id: ticket.poolId ?? null,
      price: ticket.price,
      voided: false,
    } satisfies TicketRow);
  }
}

/** The rows as one JSON array, sorted by id (no replacer: it would be called for every key of every row). */
function jsonSortedById(rows: Map<string, object>): string {
  const ids = [...rows.keys()].sort();
  return JSON.stringify(ids.map((id) => rows.get(id)));
}
