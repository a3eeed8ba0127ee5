// The store port: the system of record and the read side. Written in domain words; adapters differ only in
// their SqlDriver (PGlite or PostgreSQL), so there is one implementation of this port: SqlStore.
import type { ApiKey } from '../domain/api-key.js';
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
  /** Why the event's gate state was found lost (sales stopped until reconcile); absent when sound. */
  readonly gateLost?: string;
  /** Of the log tail given to audit(): the entries whose effect the store does not show yet. */
  readonly unreflected?: readonly LogEntry[];
}

/**
 * Reads the log entries that may not be projected yet. The audit calls it inside the store's snapshot, after
 * reading the counts, so that nothing the snapshot shows can be missing from the tail (see service/audit.ts).
 */
export type LogTail = () => Promise<readonly LogEntry[]>;

/** What projecting a batch did besides projecting it. */
export interface ProjectionOutcome {
  /**
   * Entries refused because they were decided under an older gate epoch than the store's (their event was
   * rebuilt since) and whose effect the store does not show: acknowledged decisions the rebuilt gate does
   * not know. Stale entries the store already shows are dropped silently and are not listed.
   */
  readonly refused: readonly LogEntry[];
}

/** Where the store stands on an event's gate state (distributed shape). */
export interface GateStanding {
  /** The current generation: entries of an older one are refused. */
  readonly epoch: number;
  /** Why the gate state was found lost; sales stop until reconcile. */
  readonly lost?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

export interface Store {
  /** false when an event with this id exists already. */
  createEvent(spec: EventSpec, nowMs: number): Promise<boolean>;
  /** An admin's change of an event's details or sales; undefined for an unknown event. */
  updateEvent(
    eventId: string,
    change: EventChange,
  ): Promise<{ spec: EventSpec; salesOpen: boolean } | undefined>;
  /** Sets the event's waiting room settings (JSON of queue/queue-settings.ts); false for an unknown event. */
  setEventQueue(eventId: string, queue: object): Promise<boolean>;
  /** Every event with waiting room settings. */
  eventQueues(): Promise<{ eventId: string; queue: object }[]>;
  /**
   * Projects log entries in one transaction. Idempotent: an entry applied twice changes nothing. Entries of
   * an older gate epoch than their event's are refused in the same transaction (store/epoch-fence.ts).
   */
  appendEntries(entries: readonly LogEntry[]): Promise<ProjectionOutcome>;
  /** The event's gate epoch and lost flag; undefined when the store does not know the event. */
  gateStanding(eventId: string): Promise<GateStanding | undefined>;
  /**
   * Starts a new gate epoch for the event (a rebuild, before it reads the snapshot) and clears its lost
   * flag; waits for projection batches in flight. undefined when the store does not know the event.
   */
  beginGateEpoch(eventId: string): Promise<number | undefined>;
  /** Records that Redis lost the event's gate state (the first reason is kept). */
  markGateLost(eventId: string, reason: string): Promise<void>;
  /** What a gate needs back: of every event, or of one. */
  loadSnapshot(nowMs: number, eventId?: string): Promise<GateSnapshot>;
  listEvents(limit: number, cursor?: string): Promise<Page<EventSpec>>;
  getHold(holdId: string): Promise<Hold | undefined>;
  getOrder(orderId: string): Promise<Order | undefined>;
  getTicket(ticketId: string): Promise<Ticket | undefined>;
  listTickets(eventId: string, limit: number, cursor?: string): Promise<Page<Ticket>>;
  eventStats(eventId: string): Promise<EventStats | undefined>;
  venueRevenue(venue: string): Promise<EventRevenue[]>;
  /** With a tail: also which of its entries the store does not reflect, read in the same snapshot. */
  audit(eventId: string, tail?: LogTail): Promise<StoreAudit>;
  /** A buyer's live holds (held, not yet due) across events, by id. */
  listBuyerHolds(userId: string, nowMs: number, limit: number, cursor?: string): Promise<Page<Hold>>;
  /** A buyer's orders with their tickets across events, by id. */
  listBuyerOrders(userId: string, limit: number, cursor?: string): Promise<Page<Order>>;
  createApiKey(key: ApiKey): Promise<void>;
  getApiKey(id: string): Promise<ApiKey | undefined>;
  listApiKeys(limit: number, cursor?: string): Promise<Page<ApiKey>>;
  /** Marks the key revoked (idempotent: the first revocation time stays); undefined when no such key. */
  revokeApiKey(id: string, nowMs: number): Promise<ApiKey | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What PATCH /v1/events/:id may change: never the layout (pools, sections) nor the sale rules. */
export interface EventChange {
  readonly name?: string;
  readonly venue?: string;
  /** ISO 8601, normalised. */
  readonly startsAt?: string;
  readonly salesOpen?: boolean;
}
