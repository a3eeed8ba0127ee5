// The messages of GET /v1/events/:eventId/live (docs/live.md). Each is serialised once, into a Buffer that
// every connection of the event is sent by reference (`ws` copies a string per send, never a Buffer): a
// snapshot once per event version, a flush once per flush.
import type { LogEntry } from '../domain/log-entry.js';
import type { Availability, EventSpec, EventState, SeatState, SeatStatus } from '../domain/types.js';
import type { SeatMap } from '../gate/gate.js';

type PartCounts = Availability & { readonly id: string };

/** Live counts of the event and of each pool and section, as the gate sees them. */
interface Counts extends Availability {
  readonly eventId: string;
  readonly pools: readonly PartCounts[];
  readonly sections: readonly PartCounts[];
}

/** Log entries since the previous flush, by kind: what a client turns into holds per second. */
export interface Activity {
  placed: number;
  confirmed: number;
  released: number;
  expired: number;
  /** Holds whose expiry moved later (POST /v1/holds/:id/extend); their seats stay held. */
  extended: number;
}

/**
 * First message of every connection: the event's definition, its counts and every seat's status as one
 * character per seat in seat order (the event's sections, rows, seats 1..n): `0` available, `h` held,
 * `s` sold, as GET /v1/events/:id/seat-states serves it. 200,000 seats are 200 KB, not 8 MB of objects.
 */
export interface SnapshotMessage extends Counts {
  readonly type: 'snapshot';
  readonly event: EventSpec;
  readonly seatStates: string;
}

/** Counts after the changes of one flush (read from the gate at flush time, so never behind them). */
export interface AvailabilityMessage extends Counts {
  readonly type: 'availability';
  readonly activity: Activity;
}

/** The latest status of every seat that changed since the previous flush. */
export interface SeatsMessage {
  readonly type: 'seats';
  readonly eventId: string;
  readonly changes: readonly SeatState[];
}

/**
 * A waitlist offer: returned stock made into a hold for the first buyer in line (docs/waitlist.md). It names
 * the waitlist entry, whose id only its buyer was given, never the buyer: every watcher of the event gets it,
 * and the buyer recognises its own entry and fetches the hold (GET /v1/holds/:id, or GET /v1/me/holds).
 */
export interface Offer {
  readonly entryId: string;
  readonly holdId: string;
  readonly expiresAt: string;
}

/** The offers made since the previous flush, in the order they were made. */
export interface OffersMessage {
  readonly type: 'offers';
  readonly eventId: string;
  readonly offers: readonly Offer[];
}

export type LiveMessage = SnapshotMessage | AvailabilityMessage | SeatsMessage | OffersMessage;

export function snapshotBytes(state: EventState, seats: SeatMap): Buffer {
  const message: SnapshotMessage = {
    type: 'snapshot',
    ...countsOf(state),
    event: state.spec,
    seatStates: seats.states.toString('latin1'),
  };
  return Buffer.from(JSON.stringify(message));
}

export function availabilityBytes(state: EventState, activity: Activity): Buffer {
  const message: AvailabilityMessage = { type: 'availability', ...countsOf(state), activity };
  return Buffer.from(JSON.stringify(message));
}

export function seatsBytes(eventId: string, changes: ReadonlyMap<string, SeatStatus>): Buffer {
  const list: SeatState[] = new Array(changes.size);
  let i = 0;
  for (const [id, status] of changes) list[i++] = { id, status };
  const message: SeatsMessage = { type: 'seats', eventId, changes: list };
  return Buffer.from(JSON.stringify(message));
}

export function offersBytes(eventId: string, offers: readonly Offer[]): Buffer {
  const message: OffersMessage = { type: 'offers', eventId, offers };
  return Buffer.from(JSON.stringify(message));
}

/** The status a seat has after an entry of its hold. */
export function seatStatusAfter(type: LogEntry['type']): SeatStatus {
  if (type === 'hold_placed' || type === 'hold_extended') return 'held';
  if (type === 'hold_confirmed') return 'sold';
  // Released, expired, or a cancelled order's seats: on sale again.
  return 'available';
}

function countsOf(state: EventState): Counts {
  return {
    eventId: state.spec.id,
    capacity: state.capacity,
    available: state.available,
    held: state.held,
    sold: state.sold,
    pools: state.pools,
    sections: state.sections,
  };
}
