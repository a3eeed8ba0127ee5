// Row shapes as the drivers return them (bigint columns arrive as strings) and their domain objects.
import { orderIdOf } from '../domain/ids.js';
import type { Hold, HoldItem, HoldStatus, Order, Ticket } from '../domain/types.js';
import type { Page } from './store.js';

export interface HoldRow {
  id: string;
  event_id: string;
  user_id: string;
  status: HoldStatus;
  items: HoldItem[];
  total: string | number;
  created_at_ms: string | number;
  expires_at_ms: string | number;
  order_token: string | null;
}

export interface TicketRow {
  id: string;
  order_id: string;
  event_id: string;
  user_id: string;
  seat_id: string | null;
  pool_id: string | null;
  price: string | number;
  voided?: boolean;
}

export function holdOf(row: HoldRow): Hold {
  const base = {
    id: row.id,
    eventId: row.event_id,
    userId: row.user_id,
    status: row.status,
    items: row.items,
    total: Number(row.total),
    createdAtMs: Number(row.created_at_ms),
    expiresAtMs: Number(row.expires_at_ms),
    ...(row.order_token === null ? {} : { orderToken: row.order_token }),
  };
  return row.status === 'confirmed' ? { ...base, orderId: orderIdOf(base) } : base;
}

export function ticketOf(row: TicketRow): Ticket {
  const base = {
    id: row.id,
    orderId: row.order_id,
    eventId: row.event_id,
    userId: row.user_id,
    price: Number(row.price),
  };
  const ticket: Ticket =
    row.seat_id !== null ? { ...base, seatId: row.seat_id } : { ...base, poolId: row.pool_id as string };
  return row.voided === true ? { ...ticket, voided: true } : ticket;
}

/** The columns of an order row that say whether and when it was cancelled. */
export interface OrderStatusColumns {
  status?: string;
  cancelled_at_ms?: string | number | null;
}

/** An order's status fields as the domain has them: absent when confirmed. */
export function orderStatusOf(row: OrderStatusColumns): Pick<Order, 'status' | 'cancelledAtMs'> {
  if (row.status !== 'cancelled') return {};
  return { status: 'cancelled', cancelledAtMs: Number(row.cancelled_at_ms) };
}

/** A page of at most `limit` rows; the query asked for one more, whose presence says another page follows. */
export function pageOf<T>(rows: T[], limit: number, idOf: (row: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextCursor: idOf(items[items.length - 1] as T) };
}

/** Ticket ids end in their index: sort by it numerically, so that ticket 10 follows ticket 9. */
export function ticketIndex(ticketId: string): number {
  return Number(ticketId.slice(ticketId.lastIndexOf('.') + 1));
}
