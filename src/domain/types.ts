// The nouns of boxoffice. Times are epoch milliseconds (`...AtMs`) inside; the HTTP layer renders ISO strings.

export interface PoolSpec {
  readonly id: string;
  readonly name: string;
  readonly capacity: number;
  readonly price: number;
}

export interface RowSpec {
  readonly id: string;
  readonly seats: number;
}

export interface SectionSpec {
  readonly id: string;
  readonly name: string;
  readonly price: number;
  readonly rows: readonly RowSpec[];
}

/** An event as created by an admin, with defaults filled in. Immutable after creation. */
export interface EventSpec {
  readonly id: string;
  readonly name: string;
  readonly venue: string;
  readonly startsAt: string;
  readonly holdTtlSeconds: number;
  readonly maxPerUser: number;
  /**
   * How long a hold may live at most, counted from its placement, however often it is extended
   * (POST /v1/holds/:id/extend). Absent on events created before extensions existed: twice the TTL then
   * (maxHoldSecondsOf).
   */
  readonly maxHoldSeconds?: number;
  /**
   * Claim window of a waitlist offer (domain/waitlist.ts): how long the hold made for the first buyer in line
   * lives. Absent: OFFER_TTL_SECONDS_DEFAULT (offerTtlSecondsOf).
   */
  readonly offerTtlSeconds?: number;
  readonly pools: readonly PoolSpec[];
  readonly sections: readonly SectionSpec[];
}

export type HoldStatus = 'held' | 'confirmed' | 'released' | 'expired';

/** One line of a hold: a named seat, or a quantity of counted stock from a pool. */
export interface HoldItem {
  readonly seatId?: string;
  readonly poolId?: string;
  readonly quantity: number;
  readonly price: number;
}

export interface Hold {
  readonly id: string;
  readonly eventId: string;
  readonly userId: string;
  readonly status: HoldStatus;
  readonly items: readonly HoldItem[];
  readonly total: number;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly orderId?: string;
  /**
   * The random part of the id of the order this hold becomes (domain/ids.ts). Internal: never shown to
   * clients, so that a hold id does not give its order id before the order exists. Absent on holds placed
   * before order tokens existed.
   */
  readonly orderToken?: string;
}

export interface Ticket {
  readonly id: string;
  readonly orderId: string;
  readonly eventId: string;
  readonly userId: string;
  readonly seatId?: string;
  readonly poolId?: string;
  readonly price: number;
  /** true once its order was cancelled: the ticket admits no one and its seat or stock is on sale again. */
  readonly voided?: boolean;
}

export interface Order {
  readonly id: string;
  readonly holdId: string;
  readonly eventId: string;
  readonly userId: string;
  readonly tickets: readonly Ticket[];
  readonly total: number;
  readonly createdAtMs: number;
  /** Absent means confirmed (orders are made confirmed; only a cancellation changes them). */
  readonly status?: OrderStatus;
  /** When the order was cancelled; present with status `cancelled`. */
  readonly cancelledAtMs?: number;
  /** The platform's reference of the payment that confirmed the hold (confirm body), if it gave one. */
  readonly paymentReference?: string;
  /** true when the hold had expired before it was confirmed (a late payment; docs/integration.md). */
  readonly late?: boolean;
}

export type OrderStatus = 'confirmed' | 'cancelled';

/** What a client asks for; exactly one shape is valid (see domain/hold-request.ts). */
export interface HoldRequest {
  readonly userId: string;
  readonly quantity?: number;
  readonly poolId?: string;
  readonly sectionId?: string;
  readonly seats?: readonly string[];
}

/** Live counts of an event or of one of its pools/sections, as the gate sees them. */
export interface Availability {
  readonly capacity: number;
  readonly available: number;
  readonly held: number;
  readonly sold: number;
}

export interface EventState extends Availability {
  readonly spec: EventSpec;
  /** false when an admin closed the sales: placements are refused with sales_closed. */
  readonly salesOpen: boolean;
  readonly pools: readonly (Availability & { readonly id: string })[];
  readonly sections: readonly (Availability & { readonly id: string })[];
}

export type SeatStatus = 'available' | 'held' | 'sold';

export interface SeatState {
  readonly id: string;
  readonly status: SeatStatus;
}
