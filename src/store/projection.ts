// Projects a batch of log entries into holds, orders and tickets: one statement per table, each taking the
// whole batch as one JSON parameter (PGlite pays per statement and per parameter, not per row of a set).
// Idempotent: holds and orders insert ON CONFLICT (id) DO NOTHING, endings only move a hold that is still
// 'held'. Tickets conflict only on their id: a second ticket for one seat violates tickets_one_per_seat and
// fails the batch, so the store never records a double booking, even if a gate were wrong.
import type { LogEntry } from '../domain/log-entry.js';
import { itemCount, statusAfter } from '../domain/log-entry.js';
import type { SqlExecutor } from './sql-driver.js';

const INSERT_HOLDS = `
INSERT INTO holds (id, event_id, user_id, status, items, quantity, total, created_at_ms, expires_at_ms,
                   idempotency_key, fingerprint)
SELECT id, event_id, user_id, 'held', items, quantity, total, created_at_ms, expires_at_ms, idempotency_key, fingerprint
FROM jsonb_to_recordset($1::jsonb) AS b(id text, event_id text, user_id text, items jsonb, quantity integer,
     total bigint, created_at_ms bigint, expires_at_ms bigint, idempotency_key text, fingerprint text)
ON CONFLICT (id) DO NOTHING`;

const END_HOLDS = `
UPDATE holds SET status = b.status, ended_at_ms = b.at_ms
FROM jsonb_to_recordset($1::jsonb) AS b(id text, status text, at_ms bigint)
WHERE holds.id = b.id AND holds.status = 'held'`;

const INSERT_ORDERS = `
INSERT INTO orders (id, hold_id, event_id, user_id, total, ticket_count, created_at_ms)
SELECT id, hold_id, event_id, user_id, total, ticket_count, created_at_ms
FROM jsonb_to_recordset($1::jsonb) AS b(id text, hold_id text, event_id text, user_id text, total bigint,
     ticket_count integer, created_at_ms bigint)
ON CONFLICT (id) DO NOTHING`;

const INSERT_TICKETS = `
INSERT INTO tickets (id, order_id, event_id, user_id, seat_id, pool_id, price)
SELECT id, order_id, event_id, user_id, seat_id, pool_id, price
FROM jsonb_to_recordset($1::jsonb) AS b(id text, order_id text, event_id text, user_id text, seat_id text,
     pool_id text, price bigint)
ON CONFLICT (id) DO NOTHING`;

export async function project(tx: SqlExecutor, entries: readonly LogEntry[]): Promise<void> {
  const placed: unknown[] = [];
  const ended: unknown[] = [];
  const orders: unknown[] = [];
  const tickets: unknown[] = [];
  for (const entry of entries) {
    const hold = entry.hold;
    if (entry.type === 'hold_placed') {
      placed.push({
        id: hold.id,
        event_id: hold.eventId,
        user_id: hold.userId,
        items: hold.items,
        quantity: itemCount(hold),
        total: hold.total,
        created_at_ms: hold.createdAtMs,
        expires_at_ms: hold.expiresAtMs,
        idempotency_key: entry.idempotencyKey ?? null,
        fingerprint: entry.fingerprint ?? null,
      });
      continue;
    }
    ended.push({ id: hold.id, status: statusAfter(entry), at_ms: entry.atMs });
    if (entry.type !== 'hold_confirmed') continue;
    const order = entry.order;
    orders.push({
      id: order.id,
      hold_id: order.holdId,
      event_id: order.eventId,
      user_id: order.userId,
      total: order.total,
      ticket_count: order.tickets.length,
      created_at_ms: order.createdAtMs,
    });
    for (const ticket of order.tickets) {
      tickets.push({
        id: ticket.id,
        order_id: ticket.orderId,
        event_id: ticket.eventId,
        user_id: ticket.userId,
        seat_id: ticket.seatId ?? null,
        pool_id: ticket.poolId ?? null,
        price: ticket.price,
      });
    }
  }
  // Order matters: an ending may end a hold placed in this same batch.
  if (placed.length > 0) await tx.query(INSERT_HOLDS, [JSON.stringify(placed)]);
  if (ended.length > 0) await tx.query(END_HOLDS, [JSON.stringify(ended)]);
  if (orders.length > 0) await tx.query(INSERT_ORDERS, [JSON.stringify(orders)]);
  if (tickets.length > 0) await tx.query(INSERT_TICKETS, [JSON.stringify(tickets)]);
}
