// Row shapes as the drivers return them (bigint columns arrive as strings) and their domain objects.
import { orderIdOf } from '../domain/ids.js';
import type { Hold, HoldItem, HoldStatus, Ticket } from '../domain/types.js';

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
  if (row.seat_id !== null) return { ...base, seatId: row.seat_id };
  return { ...base, poolId: row.pool_id as string };
}
