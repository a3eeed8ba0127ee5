// The gate port: the write side. It decides every change of sale state atomically and hands the change to
// the log. Two adapters: the in-process memory gate (embedded shape) and the Redis gate (distributed shape).
// Expected refusals are values (Rejection); faults are thrown or reject `durable`.
import type { Rejection } from '../domain/errors.js';
import type { EventSpec, EventState, Hold, HoldRequest, Order, SeatState } from '../domain/types.js';
import type { WaitlistEntry, WaitlistRequest, WaitlistSpot } from '../domain/waitlist.js';

export interface PlaceCommand {
  readonly eventId: string;
  readonly request: HoldRequest;
  readonly idempotencyKey?: string;
  /** true for a direct order: hold and confirm in one atomic step. */
  readonly confirm: boolean;
  readonly nowMs: number;
}

export interface Accepted {
  readonly ok: true;
  /** Settles when the change is durable; rejects (and the change is undone) when it could not be made so. */
  readonly durable: Promise<void>;
}

export interface Placed extends Accepted {
  readonly kind: 'placed';
  readonly hold: Hold;
  readonly order?: Order;
}

/** A retry under a known Idempotency-Key. `hold` is absent when the hold has ended and left the gate. */
export interface Replayed extends Accepted {
  readonly kind: 'replayed';
  readonly holdId: string;
  readonly hold?: Hold;
}

export type PlaceOutcome = Placed | Replayed | Rejection;

export interface Confirmed extends Accepted {
  readonly order: Order;
}

/** What the platform tells of the payment when it confirms (POST /v1/holds/:id/confirm body). */
export interface Payment {
  /** Stored on the order as given. */
  readonly reference?: string;
  /** Minor units; a confirm whose amount differs from the hold's total is refused (amount_mismatch). */
  readonly amount?: number;
}

export interface Extended extends Accepted {
  /** The live hold with its new expiry (unchanged when the asked expiry was not later). */
  readonly hold: Hold;
}

/**
 * Stock returned by a release, an expiry or a cancellation is offered, in the same step, to the first buyers
 * in line on the waitlist whose requests fit: the holds made for them, in the order they were made.
 */
export interface Offering {
  readonly offers?: readonly Hold[];
}

export interface Released extends Accepted, Offering {
  readonly hold: Hold;
}

/** An order cancelled, now (`first`) or before (a repeat answers with the first cancellation's time). */
export interface Cancelled extends Accepted, Offering {
  readonly orderId: string;
  readonly cancelledAtMs: number;
  readonly first: boolean;
}

/** What the gate needs to cancel an order: the confirmed hold it came from and when it was confirmed. */
export interface CancelCommand {
  readonly hold: Hold;
  readonly confirmedAtMs: number;
  readonly nowMs: number;
}

/**
 * A change of an event by an admin: `spec` is the event's definition with its new name, venue or start time
 * (its layout never changes); `salesOpen`, when given, opens or closes its sales.
 */
export interface EventUpdate {
  readonly spec: EventSpec;
  readonly salesOpen?: boolean;
}

export interface JoinWaitlistCommand {
  readonly eventId: string;
  readonly request: WaitlistRequest;
  /** The id the entry gets if the buyer is not in line yet (domain/waitlist.ts newWaitlistEntryId). */
  readonly entryId: string;
  readonly nowMs: number;
}

/** A place in line: new (`created`), or the buyer's existing one for the same request. */
export interface WaitlistJoined extends Accepted {
  readonly spot: WaitlistSpot;
  readonly created: boolean;
}

export interface WaitlistLeft extends Accepted {
  readonly entry: WaitlistEntry;
}

export interface Swept extends Accepted, Offering {
  readonly expired: number;
}

/**
 * Every seat's status in the event's seat order (definition order: sections, rows, seats 1..n), one byte per
 * seat: SEAT_BYTE_AVAILABLE, SEAT_BYTE_HELD or SEAT_BYTE_SOLD. `version` changes whenever a seat may have
 * changed, so a reader can reuse whatever it derived from an earlier read of the same version; a gate hands
 * out the same `states` object for as long as the version holds. Never modify `states`.
 */
export interface SeatMap {
  readonly version: string;
  readonly states: Buffer;
}

/** The seat-map bytes: printable, so that `curl` shows the map, and the Redis gate's own encoding. */
export { SEAT_BYTE_AVAILABLE, SEAT_BYTE_HELD, SEAT_BYTE_SOLD } from '../domain/seat-bytes.js';

export interface Gate {
  /** false when an event with this id exists already. */
  createEvent(spec: EventSpec): Promise<boolean>;
  placeHold(command: PlaceCommand): Promise<PlaceOutcome>;
  /**
   * What this instance knows with no I/O: true when placing `request` (no Idempotency-Key) would be refused
   * `sold_out`, because the pool or section it names has less left than it asks for. false means "ask
   * placeHold", never "available". The placement routes answer such requests before anything else runs
   * (src/http/routes/sold-out-early.ts).
   */
  knowsSoldOut(eventId: string, request: HoldRequest): boolean;
  /** hold_not_found when the hold is not live in the gate: the caller then asks the store. */
  confirmHold(holdId: string, nowMs: number): Promise<Confirmed | Rejection>;
  releaseHold(holdId: string, nowMs: number): Promise<Released | Rejection>;
  /**
   * Cancels the order of a confirmed hold: its seats or stock return to sale and the buyer's count drops, in
   * one step with its `order_cancelled` entry. A cancelled order answers with its first cancellation.
   */
  cancelOrder(command: CancelCommand): Promise<Cancelled | Rejection>;
  /**
   * Applies an admin's change of an event; false for an unknown event. Whether sales are open is decided
   * with every placement in one step: a placement after this call sees the new value.
   */
  updateEvent(update: EventUpdate): Promise<boolean>;
  /**
   * Moves a live hold's expiry to nowMs + seconds (never earlier than it is), within the event's
   * maxHoldSeconds from placement (else hold_extension_limit). hold_not_found when not live here.
   */
  extendHold(holdId: string, seconds: number, nowMs: number): Promise<Extended | Rejection>;
  /**
   * Confirms with a payment: as confirmHold, and a hold expired but not yet swept is confirmed too (late).
   * An amount that differs from the hold's total is refused with amount_mismatch before anything changes.
   */
  confirmPaid(holdId: string, payment: Payment, nowMs: number): Promise<Confirmed | Rejection>;
  /**
   * Late payment of a hold that ended as expired (`hold` as the store or the gate's ending record knows it):
   * re-takes its seats or stock and confirms it in one step when they are all still free, else refuses with
   * hold_expired reason stock_taken; limit_exceeded when the buyer's live holds and tickets leave no room
   * for it. hold_confirmed when it was confirmed meanwhile (ask the store again). Only for a hold whose
   * ending was an expiry: the gate does not keep every ended hold to tell.
   */
  confirmExpired(hold: Hold, payment: Payment, nowMs: number): Promise<Confirmed | Rejection>;
  /**
   * Puts a buyer in line for a pool's stock or a section's seats, which must be sold out for the request
   * (else not_sold_out). A buyer has one entry per event: the same request again answers its place, another
   * is refused with already_waitlisted.
   */
  joinWaitlist(command: JoinWaitlistCommand): Promise<WaitlistJoined | Rejection>;
  /** Takes the buyer out of the event's line; waitlist_entry_not_found when not in it. */
  leaveWaitlist(eventId: string, userId: string, nowMs: number): Promise<WaitlistLeft | Rejection>;
  /** The buyer's place in line, or undefined (not in line, or the event is unknown). */
  waitlistSpot(eventId: string, userId: string): Promise<WaitlistSpot | undefined>;
  /** Ends every hold whose expiry is at or before nowMs. */
  sweepExpired(nowMs: number): Promise<Swept>;
  /** A live (held) hold, or undefined. */
  getHold(holdId: string): Promise<Hold | undefined>;
  eventState(eventId: string): Promise<EventState | undefined>;
  seatStates(eventId: string, sectionId?: string): Promise<SeatState[] | undefined>;
  /** The whole event's seat map with its version, or undefined for an unknown event. */
  seatMap(eventId: string): Promise<SeatMap | undefined>;
  eventIds(): Promise<string[]>;
}
