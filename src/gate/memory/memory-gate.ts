// The in-process gate of the embedded shape. Every decision is one synchronous function: nothing can
// interleave between the availability check and the state change, which is what makes oversell impossible
// here. The decided entries go to the journal in the same synchronous step, so the log order is the
// decision order, and a failed commit undoes exactly the entries decided after the last durable one.

import { randomBytes } from 'node:crypto';
import { pickBestAvailable } from '../../domain/best-available.js';
import { type Rejection, reject, stockTaken } from '../../domain/errors.js';
import { extendedExpiryMs } from '../../domain/event-spec.js';
import { newHold } from '../../domain/hold.js';
import { fingerprintOf, type HoldTarget, targetOf } from '../../domain/hold-request.js';
import { orderIdOf } from '../../domain/ids.js';
import { LATE_CONFIRM_MEMORY_MS, WAITLIST_ENTRIES_PER_EVENT_MAX } from '../../domain/limits.js';
import {
  type HoldEntry,
  type HoldPlaced,
  isHoldEntry,
  itemCount,
  type LogEntry,
} from '../../domain/log-entry.js';
import { orderOf } from '../../domain/order.js';
import type { GateSnapshot } from '../../domain/snapshot.js';
import type {
  EventSpec,
  EventState,
  Hold,
  HoldItem,
  HoldRequest,
  Order,
  SeatState,
} from '../../domain/types.js';
import {
  checkWaitlistRequest,
  sameRequest,
  type WaitlistEntry,
  type WaitlistSpot,
} from '../../domain/waitlist.js';
import type { Journal, Undo } from '../../journal/journal.js';
import {
  type CancelCommand,
  type Cancelled,
  type Confirmed,
  type EventUpdate,
  type Extended,
  type Gate,
  type JoinWaitlistCommand,
  type Payment,
  type PlaceCommand,
  type PlaceOutcome,
  type Released,
  SEAT_BYTE_AVAILABLE,
  SEAT_BYTE_HELD,
  SEAT_BYTE_SOLD,
  type SeatMap,
  type Swept,
  type WaitlistJoined,
  type WaitlistLeft,
} from '../gate.js';
import { EventBook, SEAT_FREE, SEAT_HELD, SEAT_SOLD } from './event-book.js';
import { ExpiryHeap } from './expiry-heap.js';
import { IDEMPOTENCY_LIMITS, type IdempotencyLimits } from './idempotency-book.js';
import { restoreSnapshot } from './snapshot.js';
import { makeOffers } from './waitlist-offers.js';

/** EventBook's seat states (SEAT_FREE, SEAT_HELD, SEAT_SOLD) as seat-map bytes. */
const SEAT_BYTES: readonly number[] = (() => {
  const bytes: number[] = [];
  bytes[SEAT_FREE] = SEAT_BYTE_AVAILABLE;
  bytes[SEAT_HELD] = SEAT_BYTE_HELD;
  bytes[SEAT_SOLD] = SEAT_BYTE_SOLD;
  return bytes;
})();

/** Stale heap items tolerated beyond twice the live holds before a rebuild, so small events never rebuild. */
const EXPIRY_SLACK_ITEMS = 4_096;

export class MemoryGate implements Gate {
  readonly #books = new Map<string, EventBook>();
  /**
   * The last seat map built per event: every reader of one version shares it (see seatMap()). One byte per
   * seat, the size of the book's own seat states, so it needs no bound beyond the events there are.
   */
  readonly #seatMaps = new Map<string, { readonly bookVersion: number; readonly map: SeatMap }>();
  /**
   * Part of every seat-map version: a book's counter starts afresh when the process restarts, and a version
   * handed out before the restart must not name a different map after it.
   */
  readonly #instance = randomBytes(6).toString('base64url');
  readonly #live = new Map<string, Hold>();
  /** Hold id → when it was confirmed late, oldest first, kept LATE_CONFIRM_MEMORY_MS (confirmExpired). */
  readonly #confirmedLate = new Map<string, number>();
  readonly #expiry = new ExpiryHeap();
  readonly #journal: Journal;
  readonly #idempotencyLimits: IdempotencyLimits;
  readonly #undo: Undo = (entries) => {
    for (const entry of entries) this.#undoEntry(entry);
  };

  /** idempotencyLimits: the bounds of remembered Idempotency-Keys; tests shrink them to see them act. */
  constructor(journal: Journal, idempotencyLimits: IdempotencyLimits = IDEMPOTENCY_LIMITS) {
    this.#journal = journal;
    this.#idempotencyLimits = idempotencyLimits;
  }

  /** Loads the state kept by the store; called once at start, before any request. */
  restore(snapshot: GateSnapshot): void {
    restoreSnapshot(snapshot, {
      addEvent: (spec) => this.#books.set(spec.id, new EventBook(spec, this.#idempotencyLimits)),
      apply: (entry) => this.#apply(entry),
      book: (eventId) => this.#books.get(eventId),
    });
  }

  async createEvent(spec: EventSpec): Promise<boolean> {
    if (this.#books.has(spec.id)) return false;
    this.#books.set(spec.id, new EventBook(spec, this.#idempotencyLimits));
    return true;
  }

  async placeHold(command: PlaceCommand): Promise<PlaceOutcome> {
    return this.place(command);
  }

  /** What place would answer first for a pool or section with too little left, sales open and no key. */
  knowsSoldOut(eventId: string, request: HoldRequest): boolean {
    const book = this.#books.get(eventId);
    if (book === undefined || !book.salesOpen) return false;
    const target = targetOf(request, book.spec);
    if (!('kind' in target)) return false;
    if (target.kind === 'pool') {
      const pool = book.pools.get(target.poolId);
      return pool !== undefined && pool.available < target.quantity;
    }
    if (target.kind === 'seats') return false;
    // A section with enough seats left may still refuse (no adjacent block): that is placeHold's to say.
    const section = book.sections.get(target.sectionId);
    return section !== undefined && section.counts.available < target.quantity;
  }

  /** The synchronous decision behind placeHold, also used directly by tests and the benchmark. */
  place(command: PlaceCommand): PlaceOutcome {
    const { eventId, request, idempotencyKey, nowMs } = command;
    const book = this.#books.get(eventId);
    if (book === undefined) return reject('event_not_found');
    const target = targetOf(request, book.spec);
    if (!('kind' in target)) return target;
    // Refused only once the request is known valid, as any refusal of sale; a retry of a placement accepted
    // before the sales closed is answered below, as accepted.
    const salesClosed = !book.salesOpen;
    const fingerprint =
      idempotencyKey === undefined ? undefined : fingerprintOf(request, command.confirm ? 'order' : 'hold');
    if (idempotencyKey !== undefined) {
      // Keys are the buyer's own: another buyer sending the same key is another request.
      const known = book.idempotency.find(request.userId, idempotencyKey, nowMs);
      if (known !== undefined) {
        if (known.fingerprint !== fingerprint) return reject('idempotency_key_reused');
        // The original may still be in flight: the retry answers only once it is durable.
        return {
          ok: true,
          kind: 'replayed',
          holdId: known.holdId,
          hold: this.#live.get(known.holdId),
          durable: this.#journal.sync(),
        };
      }
    }
    if (salesClosed) return reject('sales_closed');
    // Availability before the user's limit: "sold out" is the answer that tells a user the most, and it is
    // what the Redis gate's sold-out short-circuit answers without knowing the user.
    const items = chooseItems(book, target);
    if (!Array.isArray(items)) return items;
    const quantity = target.kind === 'seats' ? target.seatIds.length : target.quantity;
    if ((book.itemsByUser.get(request.userId) ?? 0) + quantity > book.spec.maxPerUser)
      return reject('limit_exceeded');
    const hold = newHold(eventId, request.userId, items, nowMs, book.spec.holdTtlSeconds);
    const entries: HoldEntry[] = [
      {
        type: 'hold_placed',
        eventId,
        atMs: nowMs,
        hold,
        idempotencyKey,
        fingerprint,
        // A direct order's placement takes the stock; its confirmation only moves it from held to sold.
        ...book.soldOutMark(quantity),
      },
    ];
    let order: ReturnType<typeof orderOf> | undefined;
    if (command.confirm) {
      order = orderOf(hold, nowMs);
      entries.push({
        type: 'hold_confirmed',
        eventId,
        atMs: nowMs,
        hold,
        order,
      });
    }
    for (const entry of entries) this.#apply(entry);
    const durable = this.#journal.append(entries, this.#undo);
    const shown: Hold = order === undefined ? hold : { ...hold, status: 'confirmed', orderId: order.id };
    return { ok: true, kind: 'placed', hold: shown, order, durable };
  }

  async confirmHold(holdId: string, nowMs: number): Promise<Confirmed | Rejection> {
    const hold = this.#liveHold(holdId, nowMs);
    if (!('id' in hold)) return hold;
    const order = orderOf(hold, nowMs);
    const entry: HoldEntry = {
      type: 'hold_confirmed',
      eventId: hold.eventId,
      atMs: nowMs,
      hold,
      order,
    };
    this.#apply(entry);
    return { ok: true, order, durable: this.#journal.append([entry], this.#undo) };
  }

  async extendHold(holdId: string, seconds: number, nowMs: number): Promise<Extended | Rejection> {
    const hold = this.#liveHold(holdId, nowMs);
    if (!('id' in hold)) return hold;
    const book = this.#books.get(hold.eventId) as EventBook;
    const expiresAtMs = extendedExpiryMs(hold, book.spec, seconds, nowMs);
    if (expiresAtMs === undefined) return reject('hold_extension_limit');
    if (expiresAtMs === hold.expiresAtMs) return { ok: true, hold, durable: this.#journal.sync() };
    const entry: HoldEntry = {
      type: 'hold_extended',
      eventId: hold.eventId,
      atMs: nowMs,
      hold: { ...hold, expiresAtMs },
      previousExpiresAtMs: hold.expiresAtMs,
    };
    this.#apply(entry);
    return { ok: true, hold: entry.hold, durable: this.#journal.append([entry], this.#undo) };
  }

  async confirmPaid(holdId: string, payment: Payment, nowMs: number): Promise<Confirmed | Rejection> {
    const hold = this.#live.get(holdId);
    if (hold === undefined) return reject('hold_not_found');
    if (payment.amount !== undefined && payment.amount !== hold.total) return reject('amount_mismatch');
    // Expired and not swept yet: its items are still its own, so a late payment confirms it as it is.
    const late = hold.expiresAtMs <= nowMs;
    const order = withPayment(orderOf(hold, nowMs), payment, late);
    const entry: HoldEntry = { type: 'hold_confirmed', eventId: hold.eventId, atMs: nowMs, hold, order };
    this.#apply(entry);
    return { ok: true, order, durable: this.#journal.append([entry], this.#undo) };
  }

  async confirmExpired(expired: Hold, payment: Payment, nowMs: number): Promise<Confirmed | Rejection> {
    this.#forgetLateConfirms(nowMs);
    if (this.#confirmedLate.has(expired.id)) return reject('hold_confirmed');
    // Live again (an undone expiry) or never swept: the ordinary path.
    if (this.#live.has(expired.id)) return this.confirmPaid(expired.id, payment, nowMs);
    const book = this.#books.get(expired.eventId);
    if (book === undefined) return reject('hold_not_found');
    if (payment.amount !== undefined && payment.amount !== expired.total) return reject('amount_mismatch');
    if (!book.itemsFree(expired.items)) return stockTaken();
    // The per-user limit counts live holds and tickets, late ones too: the buyer may hold others by now.
    if ((book.itemsByUser.get(expired.userId) ?? 0) + itemCount(expired) > book.spec.maxPerUser)
      return reject('limit_exceeded');
    const hold: Hold = { ...expired, status: 'held', orderId: undefined };
    const order = withPayment(orderOf(hold, nowMs), payment, true);
    const entry: HoldEntry = {
      type: 'hold_confirmed',
      eventId: hold.eventId,
      atMs: nowMs,
      hold,
      order,
      retaken: true,
      ...book.soldOutMark(itemCount(expired)),
    };
    this.#apply(entry);
    return { ok: true, order, durable: this.#journal.append([entry], this.#undo) };
  }

  async releaseHold(holdId: string, nowMs: number): Promise<Released | Rejection> {
    const hold = this.#liveHold(holdId, nowMs);
    if (!('id' in hold)) return hold;
    const entry: HoldEntry = {
      type: 'hold_released',
      eventId: hold.eventId,
      atMs: nowMs,
      hold,
    };
    this.#apply(entry);
    const offers = this.#offer(hold.eventId, hold.items, nowMs);
    return {
      ok: true,
      hold: { ...hold, status: 'released' },
      offers: offers.map((offer) => offer.hold),
      durable: this.#journal.append([entry, ...offers], this.#undo),
    };
  }

  async cancelOrder(command: CancelCommand): Promise<Cancelled | Rejection> {
    const { hold, nowMs } = command;
    const book = this.#books.get(hold.eventId);
    if (book === undefined) return reject('order_not_found');
    const orderId = orderIdOf(hold);
    const before = book.cancelledOrders.get(orderId);
    if (before !== undefined)
      return { ok: true, orderId, cancelledAtMs: before, first: false, durable: this.#journal.sync() };
    // The store says the order is confirmed; the gate holds its stock as sold, or the two disagree.
    if (!book.isSold(hold.items)) return reject('order_not_found');
    const entry: HoldEntry = {
      type: 'order_cancelled',
      eventId: hold.eventId,
      atMs: nowMs,
      hold: { ...hold, status: 'held', orderId: undefined },
      orderId,
      confirmedAtMs: command.confirmedAtMs,
    };
    this.#apply(entry);
    const offers = this.#offer(hold.eventId, hold.items, nowMs);
    const durable = this.#journal.append([entry, ...offers], this.#undo);
    return {
      ok: true,
      orderId,
      cancelledAtMs: nowMs,
      first: true,
      offers: offers.map((offer) => offer.hold),
      durable,
    };
  }

  async updateEvent(update: EventUpdate): Promise<boolean> {
    const book = this.#books.get(update.spec.id);
    if (book === undefined) return false;
    book.spec = update.spec;
    if (update.salesOpen !== undefined) book.salesOpen = update.salesOpen;
    return true;
  }

  async sweepExpired(nowMs: number): Promise<Swept> {
    return this.sweep(nowMs);
  }

  sweep(nowMs: number): Swept {
    const entries: HoldEntry[] = [];
    const offers: Hold[] = [];
    const returned = new Map<string, HoldItem[]>();
    let expired = 0;
    for (let due = this.#expiry.popDue(nowMs); due !== undefined; due = this.#expiry.popDue(nowMs)) {
      const hold = this.#live.get(due.holdId);
      // Lazy deletion: the hold may have ended, or been undone and pushed again with the same expiry.
      if (hold === undefined || hold.expiresAtMs > nowMs) continue;
      const entry: HoldEntry = {
        type: 'hold_expired',
        eventId: hold.eventId,
        atMs: nowMs,
        hold,
      };
      this.#apply(entry);
      entries.push(entry);
      expired++;
      const items = returned.get(hold.eventId);
      if (items === undefined) returned.set(hold.eventId, [...hold.items]);
      else items.push(...hold.items);
    }
    // Offers once every due hold has ended, so that they do not depend on the order in which holds due at
    // the same instant are taken (a buyer in line may hold one of them). A lapsed offer passes to the next
    // in line here, as any expired hold's stock does.
    for (const [eventId, items] of returned)
      for (const offer of this.#offer(eventId, items, nowMs)) {
        entries.push(offer);
        offers.push(offer.hold);
      }
    for (const book of this.#books.values()) book.idempotency.prune(nowMs);
    const durable = entries.length === 0 ? Promise.resolve() : this.#journal.append(entries, this.#undo);
    return { ok: true, expired, offers, durable };
  }

  async joinWaitlist(command: JoinWaitlistCommand): Promise<WaitlistJoined | Rejection> {
    return this.join(command);
  }

  /** The synchronous decision behind joinWaitlist. */
  join(command: JoinWaitlistCommand): WaitlistJoined | Rejection {
    const { eventId, request, nowMs } = command;
    const book = this.#books.get(eventId);
    if (book === undefined) return reject('event_not_found');
    const invalid = checkWaitlistRequest(request, book.spec);
    if (invalid !== undefined) return invalid;
    const known = book.waitlist.find(request.userId);
    if (known !== undefined) {
      if (!sameRequest(known, request)) return reject('already_waitlisted');
      const spot = { entry: known, position: book.waitlist.position(known) };
      // The join may still be in flight: the answer waits until it is durable, as a replayed placement does.
      return { ok: true, spot, created: false, durable: this.#journal.sync() };
    }
    if (!book.salesOpen) return reject('sales_closed');
    const available =
      request.poolId !== undefined
        ? (book.pools.get(request.poolId)?.available ?? 0)
        : (book.sections.get(request.sectionId as string)?.counts.available ?? 0);
    if (available >= request.quantity) return reject('not_sold_out');
    if (book.waitlist.size >= WAITLIST_ENTRIES_PER_EVENT_MAX) return reject('waitlist_full');
    const entry: WaitlistEntry = {
      id: command.entryId,
      eventId,
      userId: request.userId,
      quantity: request.quantity,
      ...(request.poolId !== undefined ? { poolId: request.poolId } : { sectionId: request.sectionId }),
      joinedAtMs: nowMs,
      seq: book.waitlist.nextSeq(),
    };
    const change: LogEntry = { type: 'waitlist_joined', eventId, atMs: nowMs, entry };
    this.#apply(change);
    const spot = { entry, position: book.waitlist.position(entry) };
    return { ok: true, spot, created: true, durable: this.#journal.append([change], this.#undo) };
  }

  async leaveWaitlist(eventId: string, userId: string, nowMs: number): Promise<WaitlistLeft | Rejection> {
    const book = this.#books.get(eventId);
    if (book === undefined) return reject('event_not_found');
    const entry = book.waitlist.find(userId);
    if (entry === undefined) return reject('waitlist_entry_not_found');
    const change: LogEntry = { type: 'waitlist_left', eventId, atMs: nowMs, entry };
    this.#apply(change);
    return { ok: true, entry, durable: this.#journal.append([change], this.#undo) };
  }

  async waitlistSpot(eventId: string, userId: string): Promise<WaitlistSpot | undefined> {
    const waitlist = this.#books.get(eventId)?.waitlist;
    const entry = waitlist?.find(userId);
    if (waitlist === undefined || entry === undefined) return undefined;
    return { entry, position: waitlist.position(entry) };
  }

  async getHold(holdId: string): Promise<Hold | undefined> {
    return this.#live.get(holdId);
  }

  async eventState(eventId: string): Promise<EventState | undefined> {
    return this.#books.get(eventId)?.state();
  }

  async seatStates(eventId: string, sectionId?: string): Promise<SeatState[] | undefined> {
    return this.#books.get(eventId)?.seatStates(sectionId);
  }

  async seatMap(eventId: string): Promise<SeatMap | undefined> {
    const book = this.#books.get(eventId);
    if (book === undefined) return undefined;
    const cached = this.#seatMaps.get(eventId);
    if (cached !== undefined && cached.bookVersion === book.version) return cached.map;
    const states = Buffer.allocUnsafe(book.seatState.length);
    for (let i = 0; i < states.length; i++) states[i] = SEAT_BYTES[book.seatState[i] as number] as number;
    const map = { version: `${this.#instance}.${book.version}`, states };
    this.#seatMaps.set(eventId, { bookVersion: book.version, map });
    return map;
  }

  async eventIds(): Promise<string[]> {
    return [...this.#books.keys()];
  }

  /** How many Idempotency-Keys the event remembers: what its bounds hold flat. */
  idempotencyRecords(eventId: string): number {
    return this.#books.get(eventId)?.idempotency.size ?? 0;
  }

  /** Items in the expiry heap, stale ones included: what compaction keeps within bounds. */
  expiryItems(): number {
    return this.#expiry.size;
  }

  /** A live hold, or why it is not: not found (not live here), or expired and waiting for the sweeper. */
  #liveHold(holdId: string, nowMs: number): Hold | Rejection {
    const hold = this.#live.get(holdId);
    if (hold === undefined) return reject('hold_not_found');
    if (hold.expiresAtMs <= nowMs) return reject('hold_expired');
    return hold;
  }

  /** The offers stock returned by an ending makes, each applied: their entries, to append after the ending. */
  #offer(eventId: string, returned: readonly HoldItem[], nowMs: number): HoldPlaced[] {
    return makeOffers(this.#books.get(eventId) as EventBook, returned, nowMs, (entry) => this.#apply(entry));
  }

  #forgetLateConfirms(nowMs: number): void {
    for (const [holdId, atMs] of this.#confirmedLate) {
      if (atMs + LATE_CONFIRM_MEMORY_MS > nowMs) return;
      this.#confirmedLate.delete(holdId);
    }
  }

  #apply(entry: LogEntry): void {
    (this.#books.get(entry.eventId) as EventBook).apply(entry);
    if (!isHoldEntry(entry)) return;
    if (entry.type === 'hold_confirmed' && entry.retaken === true) {
      this.#confirmedLate.set(entry.hold.id, entry.atMs);
      return;
    }
    if (entry.type === 'hold_placed' || entry.type === 'hold_extended') {
      this.#live.set(entry.hold.id, entry.hold);
      this.#expiry.push({ expiresAtMs: entry.hold.expiresAtMs, holdId: entry.hold.id });
      // Each extension leaves its hold's earlier item behind, stale, until its time comes.
      if (entry.type === 'hold_extended') this.#compactExpiry();
    } else if (entry.type !== 'order_cancelled') {
      this.#live.delete(entry.hold.id);
      this.#compactExpiry();
    }
  }

  /**
   * Confirmed and released holds leave stale items in the heap until their expiry time. At 30,000 holds/s
   * and a 300 s TTL that is millions of items; rebuilding from the live holds once stale items outnumber
   * live ones keeps the heap within twice the live holds, at an amortised O(1) per ending.
   */
  #compactExpiry(): void {
    if (this.#expiry.size <= 2 * this.#live.size + EXPIRY_SLACK_ITEMS) return;
    const items = [];
    for (const hold of this.#live.values()) items.push({ expiresAtMs: hold.expiresAtMs, holdId: hold.id });
    this.#expiry.rebuild(items);
  }

  #undoEntry(entry: LogEntry): void {
    (this.#books.get(entry.eventId) as EventBook).undo(entry);
    if (!isHoldEntry(entry)) return;
    if (entry.type === 'hold_placed') {
      this.#live.delete(entry.hold.id);
      return;
    }
    // A cancelled order's hold had left the live holds when it was confirmed.
    if (entry.type === 'order_cancelled') return;
    if (entry.type === 'hold_confirmed' && entry.retaken === true) {
      // The hold was not live before: it stays expired, and may be confirmed late again.
      this.#confirmedLate.delete(entry.hold.id);
      return;
    }
    if (entry.type === 'hold_extended') {
      const previous = { ...entry.hold, expiresAtMs: entry.previousExpiresAtMs };
      this.#live.set(entry.hold.id, previous);
      this.#expiry.push({ expiresAtMs: previous.expiresAtMs, holdId: previous.id });
      return;
    }
    this.#live.set(entry.hold.id, entry.hold);
    // The hold's heap item may be gone: popped when it expired, or popped and skipped by a sweep while the
    // hold was ended. Push it again; a duplicate is skipped by the sweep like any stale item.
    this.#expiry.push({ expiresAtMs: entry.hold.expiresAtMs, holdId: entry.hold.id });
  }
}

function withPayment(order: Order, payment: Payment, late: boolean): Order {
  let shown = order;
  if (payment.reference !== undefined) shown = { ...shown, paymentReference: payment.reference };
  if (late) shown = { ...shown, late: true };
  return shown;
}

function chooseItems(book: EventBook, target: HoldTarget): HoldItem[] | Rejection {
  switch (target.kind) {
    case 'pool': {
      const pool = book.pools.get(target.poolId);
      if (pool === undefined) return reject('pool_not_found');
      if (pool.available < target.quantity) return reject('sold_out');
      return [{ poolId: target.poolId, quantity: target.quantity, price: pool.price }];
    }
    case 'section': {
      const section = book.sections.get(target.sectionId);
      if (section === undefined) return reject('section_not_found');
      const picked = pickBestAvailable(section.rows, target.quantity, book.isFree);
      if (picked === undefined) return reject('sold_out');
      return picked.map((index) => ({
        seatId: book.seatIds[index] as string,
        quantity: 1,
        price: section.price,
      }));
    }
    case 'seats':
      return namedSeats(book, target.seatIds);
  }
}

function namedSeats(book: EventBook, seatIds: readonly string[]): HoldItem[] | Rejection {
  const items: HoldItem[] = [];
  for (const seatId of seatIds) {
    const index = book.seatIndex.get(seatId);
    if (index === undefined) return reject('seat_not_found', `No seat "${seatId}" in this event.`);
    if (book.seatState[index] !== SEAT_FREE)
      return reject('seat_unavailable', `Seat "${seatId}" is held or sold.`);
    const section = book.sections.get(seatId.slice(0, seatId.indexOf('-')));
    items.push({ seatId, quantity: 1, price: (section as { price: number }).price });
  }
  if (new Set(seatIds).size !== seatIds.length) return reject('invalid_request', 'A seat is named twice.');
  return items;
}
