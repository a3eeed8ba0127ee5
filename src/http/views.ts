// Domain objects as the API shows them: times as ISO strings, order id under both `id` and `orderId`.
import { capacityOf, maxHoldSecondsOf } from '../domain/event-spec.js';
import type { EventSpec, EventState, Hold, Order } from '../domain/types.js';
import { offerTtlSecondsOf, type WaitlistEntry } from '../domain/waitlist.js';

export function holdJson(hold: Hold) {
  return {
    id: hold.id,
    eventId: hold.eventId,
    userId: hold.userId,
    status: hold.status,
    items: hold.items,
    total: hold.total,
    createdAt: new Date(hold.createdAtMs).toISOString(),
    expiresAt: new Date(hold.expiresAtMs).toISOString(),
    orderId: hold.orderId,
  };
}

export function orderJson(order: Order) {
  return {
    id: order.id,
    orderId: order.id,
    holdId: order.holdId,
    eventId: order.eventId,
    userId: order.userId,
    status: order.status ?? 'confirmed',
    tickets: order.tickets,
    total: order.total,
    createdAt: new Date(order.createdAtMs).toISOString(),
    ...(order.cancelledAtMs === undefined
      ? {}
      : { cancelledAt: new Date(order.cancelledAtMs).toISOString() }),
    paymentReference: order.paymentReference,
    late: order.late,
  };
}

export function eventJson(state: EventState) {
  const { spec } = state;
  const poolCounts = new Map(state.pools.map((pool) => [pool.id, pool]));
  const sectionCounts = new Map(state.sections.map((section) => [section.id, section]));
  return {
    id: spec.id,
    name: spec.name,
    venue: spec.venue,
    startsAt: spec.startsAt,
    holdTtlSeconds: spec.holdTtlSeconds,
    maxPerUser: spec.maxPerUser,
    salesOpen: state.salesOpen,
    maxHoldSeconds: maxHoldSecondsOf(spec),
    offerTtlSeconds: offerTtlSecondsOf(spec),
    capacity: state.capacity,
    available: state.available,
    held: state.held,
    sold: state.sold,
    pools: spec.pools.map((pool) => ({ ...pool, ...poolCounts.get(pool.id) })),
    sections: spec.sections.map((section) => ({ ...section, ...sectionCounts.get(section.id) })),
  };
}

/** An event of the list. The gate knows every stored event; without its state nothing is shown as free. */
export function eventSummaryJson(spec: EventSpec, state: EventState | undefined) {
  return {
    id: spec.id,
    name: spec.name,
    venue: spec.venue,
    startsAt: spec.startsAt,
    capacity: capacityOf(spec),
    available: state?.available ?? 0,
  };
}

/** A waitlist entry, with its place in line when known (join and GET .../waitlist/me). */
export function waitlistJson(entry: WaitlistEntry, position?: number) {
  return {
    id: entry.id,
    eventId: entry.eventId,
    userId: entry.userId,
    quantity: entry.quantity,
    poolId: entry.poolId,
    sectionId: entry.sectionId,
    joinedAt: new Date(entry.joinedAtMs).toISOString(),
    position,
  };
}
