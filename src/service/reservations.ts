// The use cases: what the HTTP layer calls. Decisions come from the gate, durability from the gate's
// `durable` promise, and answers about holds that left the gate from the store.
import { DomainError, type Rejection, reject } from '../domain/errors.js';
import { buildEventSpec, type EventDefaults, type EventDraft } from '../domain/event-spec.js';
import { eventIdOf, orderIdOf } from '../domain/ids.js';
import { orderOf } from '../domain/order.js';
import type { EventSpec, EventState, Hold, HoldRequest, Order } from '../domain/types.js';
import {
  newWaitlistEntryId,
  type WaitlistEntry,
  type WaitlistRequest,
  type WaitlistSpot,
} from '../domain/waitlist.js';
import type { Confirmed, Gate, Payment } from '../gate/gate.js';
import type { Journal } from '../journal/journal.js';
import type { Metrics } from '../metrics/metrics.js';
import type { EventChange, Store } from '../store/store.js';

export interface ReservationsDeps {
  readonly gate: Gate;
  readonly store: Store;
  /** The embedded shape's journal; absent where the gate's log is durable by itself. */
  readonly journal?: Journal;
  readonly clock: () => number;
  readonly defaults: EventDefaults;
  readonly metrics?: Metrics;
  /**
   * Distributed shape: a hold that ended in the gate but may not be in the store yet (the read side lags by
   * the projection), with its final status and the time it ended.
   */
  readonly recentEnding?: (
    holdId: string,
  ) => Promise<{ hold: Hold; atMs: number; order?: Order } | undefined>;
}

export interface HoldResult {
  readonly created: boolean;
  readonly hold: Hold;
  readonly order?: Order;
}

export interface OrderResult {
  readonly created: boolean;
  readonly order: Order;
}

export class Reservations {
  readonly #gate: Gate;
  readonly #store: Store;
  readonly #journal: Journal | undefined;
  readonly #clock: () => number;
  readonly #defaults: EventDefaults;
  readonly #metrics: Metrics | undefined;
  readonly #recentEnding: ReservationsDeps['recentEnding'];

  constructor(deps: ReservationsDeps) {
    this.#gate = deps.gate;
    this.#store = deps.store;
    this.#journal = deps.journal;
    this.#clock = deps.clock;
    this.#defaults = deps.defaults;
    this.#metrics = deps.metrics;
    this.#recentEnding = deps.recentEnding;
  }

  async createEvent(draft: EventDraft): Promise<EventSpec | Rejection> {
    const spec = buildEventSpec(draft, this.#defaults);
    if ('ok' in spec) return spec;
    // The store first: an event the gate sells from must survive a restart.
    if (!(await this.#store.createEvent(spec, this.#clock()))) return reject('event_exists');
    await this.#gate.createEvent(spec);
    return spec;
  }

  /**
   * An admin's change of an event. The store first, so that a restart or a rebuild of the gate finds it;
   * then the gate, whose placements decide with it from then on. undefined for an unknown event.
   */
  async updateEvent(eventId: string, change: EventChange): Promise<EventState | undefined> {
    const startsAt = change.startsAt === undefined ? undefined : new Date(change.startsAt).toISOString();
    const updated = await this.#store.updateEvent(eventId, { ...change, startsAt });
    if (updated === undefined) return undefined;
    if (!(await this.#gate.updateEvent({ spec: updated.spec, salesOpen: updated.salesOpen })))
      return undefined;
    return this.#gate.eventState(eventId);
  }

  async placeHold(
    eventId: string,
    request: HoldRequest,
    idempotencyKey: string | undefined,
    confirm: boolean,
  ): Promise<HoldResult | Rejection> {
    const operation = confirm ? 'order' : 'hold';
    const outcome = await this.#gate.placeHold({
      eventId,
      request,
      idempotencyKey,
      confirm,
      nowMs: this.#clock(),
    });
    if (!outcome.ok) return this.#count(operation, outcome);
    await this.#durable(outcome.durable, operation);
    if (outcome.kind === 'placed') {
      this.#count(operation, undefined);
      return { created: true, hold: outcome.hold, order: outcome.order };
    }
    const hold = outcome.hold ?? (await this.#endedHold(outcome.holdId));
    if (hold === undefined)
      throw new Error(`Idempotency key names hold ${outcome.holdId}, which the store lacks.`);
    const order = confirm ? await this.#orderOf(hold) : undefined;
    return { created: false, hold, order };
  }

  /**
   * Whether the gate already knows, with no I/O, that placing `request` (without an Idempotency-Key) would
   * be refused sold_out (Gate.knowsSoldOut). The request need not be valid: it is only read.
   */
  knowsSoldOut(eventId: string, request: HoldRequest): boolean {
    return this.#gate.knowsSoldOut(eventId, request);
  }

  /** The early answer of the placement routes (src/http/routes/sold-out-early.ts), counted as any refusal. */
  refuseSoldOut(confirm: boolean): Rejection {
    return this.#count(confirm ? 'order' : 'hold', reject('sold_out'));
  }

  /**
   * Confirms a hold, with the platform's payment details if it gives them (docs/integration.md): a live hold
   * (expired or not) is confirmed; one that ended as expired is confirmed late if its seats or stock are
   * still free (else hold_expired, reason stock_taken). Confirming twice answers the existing order as it
   * is, whatever reference the second confirm gives: the first payment is the one the order records.
   */
  async confirmHold(holdId: string, payment: Payment = {}): Promise<OrderResult | Rejection> {
    const outcome = await this.#gate.confirmPaid(holdId, payment, this.#clock());
    if (outcome.ok) return this.#confirmed(outcome);
    if (outcome.code !== 'hold_not_found') return this.#count('confirm', outcome);
    const stored = await this.#endedHold(holdId);
    if (stored?.status === 'expired') {
      const late = await this.#gate.confirmExpired(stored, payment, this.#clock());
      if (late.ok) return this.#confirmed(late);
      if (late.code !== 'hold_confirmed') return this.#count('confirm', late);
      // Confirmed late by a concurrent request: answer with its order.
      return this.#existingOrder(await this.#endedHold(holdId), payment);
    }
    return this.#existingOrder(stored, payment);
  }

  /** Moves a live hold's expiry later (POST /v1/holds/:id/extend). */
  async extendHold(holdId: string, seconds: number): Promise<Hold | Rejection> {
    const outcome = await this.#gate.extendHold(holdId, seconds, this.#clock());
    if (outcome.ok) {
      await this.#durable(outcome.durable, 'extend');
      this.#count('extend', undefined);
      return outcome.hold;
    }
    if (outcome.code !== 'hold_not_found') return this.#count('extend', outcome);
    return this.#count('extend', endingRejection(await this.#endedHold(holdId)));
  }

  async #confirmed(outcome: Confirmed): Promise<OrderResult> {
    await this.#durable(outcome.durable, 'confirm');
    this.#count('confirm', undefined);
    return { created: true, order: outcome.order };
  }

  /** The answer to confirming a hold that has ended: its order if it is one, else why not. */
  async #existingOrder(stored: Hold | undefined, payment: Payment): Promise<OrderResult | Rejection> {
    if (stored?.status === 'confirmed') {
      const order = await this.#orderOf(stored);
      if (order !== undefined) {
        if (payment.amount !== undefined && payment.amount !== order.total)
          return this.#count('confirm', reject('amount_mismatch'));
        return { created: false, order };
      }
    }
    return this.#count('confirm', endingRejection(stored));
  }

  async releaseHold(holdId: string): Promise<Hold | Rejection> {
    const outcome = await this.#gate.releaseHold(holdId, this.#clock());
    if (outcome.ok) {
      await this.#durable(outcome.durable, 'release');
      this.#count('release', undefined);
      this.#countOffers(outcome.offers);
      return outcome.hold;
    }
    if (outcome.code !== 'hold_not_found') return this.#count('release', outcome);
    const stored = await this.#endedHold(holdId);
    // Releasing twice is answered like the first time: DELETE is idempotent.
    if (stored?.status === 'released') return stored;
    if (stored?.status === 'confirmed') return this.#count('release', reject('hold_confirmed'));
    return this.#count('release', endingRejection(stored));
  }

  /**
   * Cancels an order: its tickets are void and its seats or stock on sale again. Cancelling a cancelled
   * order answers with the first cancellation. Read from the store: in the distributed shape an order is
   * found once the projection has stored it (order_not_found until then, as for GET /v1/orders/:id).
   */
  async cancelOrder(orderId: string): Promise<Order | Rejection> {
    const order = await this.#store.getOrder(orderId);
    if (order === undefined) return this.#count('cancel', reject('order_not_found'));
    if (order.status === 'cancelled') return order;
    const hold = await this.#store.getHold(order.holdId);
    if (hold === undefined) return this.#count('cancel', reject('order_not_found'));
    const outcome = await this.#gate.cancelOrder({
      hold,
      confirmedAtMs: order.createdAtMs,
      nowMs: this.#clock(),
    });
    if (!outcome.ok) return this.#count('cancel', outcome);
    await this.#durable(outcome.durable, 'cancel');
    if (outcome.first) this.#count('cancel', undefined);
    this.#countOffers(outcome.offers);
    return cancelledOrder(order, outcome.cancelledAtMs);
  }

  /**
   * Puts a buyer in line for a sold-out pool or section (domain/waitlist.ts). `created` false: the buyer was
   * in line already with the same request, and this is that place.
   */
  async joinWaitlist(
    eventId: string,
    request: WaitlistRequest,
  ): Promise<{ spot: WaitlistSpot; created: boolean } | Rejection> {
    const entryId = newWaitlistEntryId(eventId);
    const outcome = await this.#gate.joinWaitlist({ eventId, request, entryId, nowMs: this.#clock() });
    if (!outcome.ok) return this.#count('waitlist_join', outcome);
    await this.#durable(outcome.durable, 'waitlist_join');
    if (outcome.created) this.#count('waitlist_join', undefined);
    return { spot: outcome.spot, created: outcome.created };
  }

  async leaveWaitlist(eventId: string, userId: string): Promise<WaitlistEntry | Rejection> {
    const outcome = await this.#gate.leaveWaitlist(eventId, userId, this.#clock());
    if (!outcome.ok) return this.#count('waitlist_leave', outcome);
    await this.#durable(outcome.durable, 'waitlist_leave');
    this.#count('waitlist_leave', undefined);
    return outcome.entry;
  }

  async waitlistSpot(eventId: string, userId: string): Promise<WaitlistSpot | Rejection> {
    return (await this.#gate.waitlistSpot(eventId, userId)) ?? reject('waitlist_entry_not_found');
  }

  async getHold(holdId: string): Promise<Hold | undefined> {
    return (await this.#gate.getHold(holdId)) ?? (await this.#endedHold(holdId));
  }

  async sweepExpired(): Promise<number> {
    const swept = await this.#gate.sweepExpired(this.#clock());
    await swept.durable;
    if (swept.expired > 0) this.#metrics?.countOperation('expire', 'ok', swept.expired);
    this.#countOffers(swept.offers);
    return swept.expired;
  }

  async eventState(eventId: string): Promise<EventState | undefined> {
    return this.#gate.eventState(eventId);
  }

  /** The order of a confirmed hold: from the store, or derived from the gate's record of its ending. */
  async #orderOf(hold: Hold): Promise<Order | undefined> {
    const stored = await this.#store.getOrder(orderIdOf(hold));
    if (stored !== undefined) return stored;
    const recent = await this.#recentEnding?.(hold.id);
    if (recent?.hold.status !== 'confirmed') return undefined;
    return recent.order ?? orderOf(recent.hold, recent.atMs);
  }

  /** A hold that is not live in the gate, from the store, once everything decided so far is durable. */
  async #endedHold(holdId: string): Promise<Hold | undefined> {
    if (eventIdOf(holdId) === undefined) return undefined;
    // Asked before the store: the record is deleted only once the store has the ending.
    const recent = await this.#recentEnding?.(holdId);
    if (recent !== undefined) return recent.hold;
    const synced =
      (await this.#journal?.sync().then(
        () => true,
        () => false,
      )) ?? true;
    // A failed commit may have undone the ending that took this hold out of the gate: then it is live again.
    if (!synced) {
      const live = await this.#gate.getHold(holdId);
      if (live !== undefined) return live;
    }
    return this.#store.getHold(holdId);
  }

  async #durable(durable: Promise<void>, operation: string): Promise<void> {
    try {
      await durable;
    } catch (error) {
      this.#count(operation, reject('store_unavailable'));
      throw new DomainError(
        'store_unavailable',
        `${reject('store_unavailable').message} (${describe(error)})`,
      );
    }
  }

  /** Waitlist offers made by a step that returned stock: boxoffice_operations_total{operation="offer"}. */
  #countOffers(offers: readonly Hold[] | undefined): void {
    if (offers !== undefined && offers.length > 0)
      this.#metrics?.countOperation('offer', 'ok', offers.length);
  }

  #count<T extends Rejection | undefined>(operation: string, rejection: T): T {
    this.#metrics?.countOperation(operation, rejection === undefined ? 'ok' : rejection.code);
    return rejection;
  }
}

function endingRejection(stored: Hold | undefined): Rejection {
  // Still held, yet not live when the gate was asked: its ending was undone by a failed commit. Retryable.
  if (stored?.status === 'held') return reject('store_unavailable');
  if (stored?.status === 'expired') return reject('hold_expired');
  if (stored?.status === 'released') return reject('hold_released');
  if (stored?.status === 'confirmed') return reject('hold_confirmed');
  return reject('hold_not_found');
}

/** The order as its cancellation leaves it (what the store shows once the cancellation is projected). */
function cancelledOrder(order: Order, cancelledAtMs: number): Order {
  return {
    ...order,
    status: 'cancelled',
    cancelledAtMs,
    tickets: order.tickets.map((ticket) => ({ ...ticket, voided: true })),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
