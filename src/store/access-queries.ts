// The store's queries for access: API keys, and a buyer's own holds and orders across events. Plain SQL
// shared by PGlite and PostgreSQL, like the rest of the store.
import type { ApiKey, ApiKeyRole } from '../domain/api-key.js';
import type { Hold, Order } from '../domain/types.js';
import {
  type HoldRow,
  holdOf,
  type OrderStatusColumns,
  orderStatusOf,
  pageOf,
  type TicketRow,
  ticketIndex,
  ticketOf,
} from './rows.js';
import type { SqlExecutor } from './sql-driver.js';
import type { Page } from './store.js';

const HOLD_COLUMNS = 'id, event_id, user_id, status, items, total, created_at_ms, expires_at_ms';
const TICKET_COLUMNS = 'id, order_id, event_id, user_id, seat_id, pool_id, price, voided';
const KEY_COLUMNS = 'id, name, role, secret_sha256, created_at_ms, revoked_at_ms';

interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiKeyRole;
  secret_sha256: string;
  created_at_ms: string | number;
  revoked_at_ms: string | number | null;
}

interface OrderRow extends OrderStatusColumns {
  id: string;
  hold_id: string;
  event_id: string;
  user_id: string;
  total: string | number;
  created_at_ms: string | number;
  payment_reference: string | null;
  late: boolean;
  status: string;
  cancelled_at_ms: string | null;
}

/** The columns of an order row, as OrderRow names them. */
export const ORDER_COLUMNS =
  'id, hold_id, event_id, user_id, total, created_at_ms, payment_reference, late, status, cancelled_at_ms';

/** An order's payment fields as the domain shows them: absent, not null or false, when there are none. */
export function paymentOf(row: Pick<OrderRow, 'payment_reference' | 'late'>): Partial<Order> {
  const payment: { paymentReference?: string; late?: boolean } = {};
  if (row.payment_reference !== null) payment.paymentReference = row.payment_reference;
  if (row.late === true) payment.late = true;
  return payment;
}

export async function insertApiKey(db: SqlExecutor, key: ApiKey): Promise<void> {
  await db.query(
    `INSERT INTO api_keys (id, name, role, secret_sha256, created_at_ms) VALUES ($1, $2, $3, $4, $5)`,
    [key.id, key.name, key.role, key.secretSha256, key.createdAtMs],
  );
}

export async function selectApiKey(db: SqlExecutor, id: string): Promise<ApiKey | undefined> {
  const rows = await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : apiKeyOf(rows[0]);
}

export async function selectApiKeys(db: SqlExecutor, limit: number, cursor?: string): Promise<Page<ApiKey>> {
  const rows = await db.query<ApiKeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE id > $1 ORDER BY id LIMIT $2`,
    [cursor ?? '', limit + 1],
  );
  return pageOf(rows.map(apiKeyOf), limit, (key) => key.id);
}

/** Marks the key revoked (the first revocation time stays); undefined when no such key. */
export async function markApiKeyRevoked(
  db: SqlExecutor,
  id: string,
  nowMs: number,
): Promise<ApiKey | undefined> {
  const rows = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at_ms = coalesce(revoked_at_ms, $2) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
    [id, nowMs],
  );
  return rows[0] === undefined ? undefined : apiKeyOf(rows[0]);
}

/** The buyer's holds still held and not yet due, across events, by id. */
export async function selectBuyerHolds(
  db: SqlExecutor,
  userId: string,
  nowMs: number,
  limit: number,
  cursor?: string,
): Promise<Page<Hold>> {
  const rows = await db.query<HoldRow>(
    `SELECT ${HOLD_COLUMNS} FROM holds
     WHERE user_id = $1 AND id > $2 AND status = 'held' AND expires_at_ms > $3 ORDER BY id LIMIT $4`,
    [userId, cursor ?? '', nowMs, limit + 1],
  );
  return pageOf(rows.map(holdOf), limit, (hold) => hold.id);
}

/** The buyer's orders with their tickets, across events, by id: two queries per page. */
export async function selectBuyerOrders(
  db: SqlExecutor,
  userId: string,
  limit: number,
  cursor?: string,
): Promise<Page<Order>> {
  const rows = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders
     WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
    [userId, cursor ?? '', limit + 1],
  );
  const page = pageOf(rows, limit, (row) => row.id);
  const ids = page.items.map((row) => row.id);
  const tickets =
    ids.length === 0
      ? []
      : await db.query<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE order_id = ANY($1::text[])`, [
          ids,
        ]);
  const byOrder = new Map<string, ReturnType<typeof ticketOf>[]>();
  for (const row of tickets) {
    const ticket = ticketOf(row);
    byOrder.set(ticket.orderId, [...(byOrder.get(ticket.orderId) ?? []), ticket]);
  }
  const orders = page.items.map(
    (row): Order => ({
      id: row.id,
      holdId: row.hold_id,
      eventId: row.event_id,
      userId: row.user_id,
      total: Number(row.total),
      createdAtMs: Number(row.created_at_ms),
      ...paymentOf(row),
      // Ticket ids end in their index; sort numerically so that ticket 10 follows ticket 9.
      tickets: (byOrder.get(row.id) ?? []).sort((a, b) => ticketIndex(a.id) - ticketIndex(b.id)),
      ...orderStatusOf(row),
    }),
  );
  return { items: orders, nextCursor: page.nextCursor };
}

function apiKeyOf(row: ApiKeyRow): ApiKey {
  const base = {
    id: row.id,
    name: row.name,
    role: row.role,
    secretSha256: row.secret_sha256,
    createdAtMs: Number(row.created_at_ms),
  };
  return row.revoked_at_ms === null ? base : { ...base, revokedAtMs: Number(row.revoked_at_ms) };
}
