// The store port: the system of record and the read side. Written in domain words; adapters differ only in
// their SqlDriver (PGlite or PostgreSQL), so there is one implementation of this port: SqlStore.
import type { LogEntry } from '../domain/log-entry.js';
import type { GateSnapshot } from '../domain/snapshot.js';
import type { EventSpec, Hold, Order, Ticket } from '../domain/types.js';

export interface EventStats {
  readonly capacity: number;
  readonly sold: number;
  readonly held: number;
  readonly available: number;
  readonly revenue: number;
  readonly orders: number;
}

export interface EventRevenue {
  readonly eventId: string;
  readonly name: string;
  readonly startsAt: string;
  readonly sold: number;
  readonly orders: number;
  readonly revenue: number;
}

/** What the store holds for one event, for the audit. */
export interface StoreAudit {
  readonly tickets: number;
  readonly orders: number;
  readonly heldItems: number;
  /** Seats occupied twice among live holds and tickets. */
  readonly doubleBooked: number;
  /** Tickets or orders that do not trace to exactly one confirmed hold with matching items. */
  readonly phantom: number;
  readonly soldByPool: Readonly<Record<string, number>>;
  readonly heldByPool: Readonly<Record<string, number>>;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

export interface Store {
  /** false when an event with this id exists already. */
  createEvent(spec: EventSpec, nowMs: number): Promise<boolean>;
  /** Projects log entries in one transaction. Idempotent: an entry applied twice changes nothing. */
  appendEntries(entries: readonly LogEntry[]): Promise<void>;
  loadSnapshot(nowMs: number): Promise<GateSnapshot>;
  listEvents(limit: number, cursor?: string): Promise<Page<EventSpec>>;
  getHold(holdId: string): Promise<Hold | undefined>;
  getOrder(orderId: string): Promise<Order | undefined>;
  getTicket(ticketId: string): Promise<Ticket | undefined>;
  listTickets(eventId: string, limit: number, cursor?: string): Promise<Page<Ticket>>;
  eventStats(eventId: string): Promise<EventStats | undefined>;
  venueRevenue(venue: string): Promise<EventRevenue[]>;
  audit(eventId: string): Promise<StoreAudit>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
