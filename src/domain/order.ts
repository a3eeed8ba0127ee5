import { orderIdOf, ticketIdOf } from './ids.js';
import type { Hold, Order, Ticket } from './types.js';

/** The order a hold becomes when confirmed: one ticket per seat and per unit of counted stock. */
export function orderOf(hold: Hold, nowMs: number): Order {
  const orderId = orderIdOf(hold);
  const tickets: Ticket[] = [];
  for (const item of hold.items) {
    for (let unit = 0; unit < item.quantity; unit++) {
      const base = {
        id: ticketIdOf(orderId, tickets.length),
        orderId,
        eventId: hold.eventId,
        userId: hold.userId,
        price: item.price,
      };
      tickets.push(
        item.seatId !== undefined
          ? { ...base, seatId: item.seatId }
          : { ...base, poolId: item.poolId as string },
      );
    }
  }
  return {
    id: orderId,
    holdId: hold.id,
    eventId: hold.eventId,
    userId: hold.userId,
    tickets,
    total: hold.total,
    createdAtMs: nowMs,
  };
}
