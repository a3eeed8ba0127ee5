// One run of a model-based property test: the model, the run's clock and the ids the gate gave out. Each
// `expect…` method is called just before the gate decides the same command: it works out from the model what
// the gate must answer, and returns the check of the gate's answer, which also moves the model along.
import { expect } from 'vitest';
import type { ErrorCode, Rejection } from '../../src/domain/errors.js';
import { fingerprintOf } from '../../src/domain/hold-request.js';
import type { Hold, HoldRequest } from '../../src/domain/types.js';
import type { WaitlistRequest } from '../../src/domain/waitlist.js';
import type {
  CancelCommand,
  Cancelled,
  Confirmed,
  Extended,
  Gate,
  PlaceCommand,
  PlaceOutcome,
  Released,
  WaitlistJoined,
  WaitlistLeft,
} from '../../src/gate/gate.js';
import type {
  CancelModelCommand,
  EndModelCommand,
  ExtendModelCommand,
  JoinModelCommand,
  LeaveModelCommand,
  ModelCommand,
  PayLateModelCommand,
  PlaceModelCommand,
} from './arbitraries.js';
import { checkBestAvailable } from './best-available.js';
import {
  MAX_PER_USER,
  type ModelHold,
  type ModelItem,
  type ModelOffer,
  OFFER_TTL_MS,
  POOL_PRICE,
  POOLS,
  SaleModel,
  SEAT_PRICE,
  START_MS,
  TTL_MS,
} from './gate-model.js';

/** What a command's acceptance leaves to wait for: its durability, if the gate has not settled it yet. */
export type Durability = Promise<void> | undefined;

interface ExpectedPlacement {
  readonly code?: ErrorCode;
  readonly replayOf?: string;
}

export class ModelRun {
  readonly model = new SaleModel();
  nowMs = START_MS;
  readonly #holdIds: string[] = [];
  readonly #keyedPlacements: PlaceModelCommand[] = [];
  /**
   * Each placed hold as placed (the store's copy: what a late payment names and a cancellation sends), and
   * when it was confirmed and cancelled.
   */
  readonly #placed = new Map<string, Hold>();
  readonly #confirmedAtMs = new Map<string, number>();
  readonly #cancelledAtMs = new Map<string, number>();

  constructor(readonly eventId: string) {}

  /** The placement a place or retry command sends; undefined for a retry with nothing to retry yet. */
  placementOf(command: Extract<ModelCommand, { kind: 'place' | 'retry' }>): PlaceModelCommand | undefined {
    if (command.kind === 'retry') {
      const count = this.#keyedPlacements.length;
      return count === 0 ? undefined : this.#keyedPlacements[command.pick % count];
    }
    if (command.key !== undefined) this.#keyedPlacements.push(command);
    return command;
  }

  gateCommand(placement: PlaceModelCommand): PlaceCommand {
    const { request, key, confirm } = placement;
    return { eventId: this.eventId, request, idempotencyKey: key, confirm, nowMs: this.nowMs };
  }

  /**
   * The gate's early answer (Gate.knowsSoldOut, which the routes ask before a placement without an
   * Idempotency-Key): never "sold out" where placing answers anything else; with `exact` (the memory gate,
   * which knows its counts) also "sold out" wherever placing in a pool or section answers sold_out.
   */
  checkKnownSoldOut(placement: PlaceModelCommand, known: boolean, exact: boolean): void {
    if (placement.key !== undefined) return;
    const soldOut = this.#expectedPlacement(placement).code === 'sold_out';
    const asked = `knowsSoldOut for ${JSON.stringify(placement.request)}`;
    if (known) expect(soldOut, asked).toBe(true);
    if (exact && placement.request.seats === undefined) expect(known, asked).toBe(soldOut);
  }

  expectPlacement(placement: PlaceModelCommand): (outcome: PlaceOutcome) => Durability {
    const expected = this.#expectedPlacement(placement);
    const free = this.model.freeSeats();
    const nowMs = this.nowMs;
    const asked = `answer to ${JSON.stringify(placement)}`;
    return (outcome) => {
      const answer = outcome.ok ? outcome.kind : outcome.code;
      expect(answer, asked).toBe(expected.code ?? (expected.replayOf === undefined ? 'placed' : 'replayed'));
      if (!outcome.ok) return undefined;
      if (outcome.kind === 'replayed') {
        expect(outcome.holdId, asked).toBe(expected.replayOf);
        // The replay shows the hold while it is live, and nothing once it has ended.
        const live = this.model.holds.get(outcome.holdId)?.status === 'held';
        expect(outcome.hold?.id, asked).toBe(live ? outcome.holdId : undefined);
        // A replay changes nothing; it waits for whatever is in flight, which may fail in a fault group.
        outcome.durable.catch(() => {});
        return undefined;
      }
      this.#applyPlaced(placement, outcome.hold, free, nowMs);
      expect(outcome.hold.status, asked).toBe(placement.confirm ? 'confirmed' : 'held');
      expect(outcome.order?.holdId, asked).toBe(placement.confirm ? outcome.hold.id : undefined);
      return outcome.durable;
    };
  }

  /** Moves the model as the gate must for a confirm or release, and returns the check of the gate's answer. */
  expectEnding(command: EndModelCommand): {
    holdId: string;
    check(outcome: Confirmed | Released | Rejection): Durability;
  } {
    const candidates = command.live
      ? this.#holdIds.filter((id) => this.model.holds.get(id)?.status === 'held')
      : this.#holdIds;
    const holdId = candidates[command.pick % Math.max(1, candidates.length)] ?? `h.${this.eventId}.unknown`;
    const expected = this.model.endRefusal(holdId, this.nowMs);
    if (expected === undefined) this.model.end(holdId, command.kind === 'confirm' ? 'confirmed' : 'released');
    if (expected === undefined && command.kind === 'confirm') this.#confirmedAtMs.set(holdId, this.nowMs);
    const returned = expected === undefined && command.kind === 'release';
    const checkOffers = this.#offersCheck(returned ? this.#offerReturned(holdId) : []);
    return {
      holdId,
      check(outcome) {
        const asked = `answer to ${command.kind} of ${holdId}`;
        expect(outcome.ok ? command.kind : outcome.code, asked).toBe(expected ?? command.kind);
        if ('order' in outcome) expect(outcome.order.holdId, asked).toBe(holdId);
        if ('hold' in outcome) expect(outcome.hold.id, asked).toBe(holdId);
        if ('hold' in outcome) checkOffers(outcome.offers);
        return outcome.ok ? outcome.durable : undefined;
      },
    };
  }

  /**
   * Moves the model as the gate must for a cancellation of an order, and returns what to send and the check
   * of the answer; undefined while no hold was ever confirmed. A cancelled order answers with its first
   * cancellation and changes nothing.
   */
  expectCancel(
    command: CancelModelCommand,
  ): { command: CancelCommand; check(outcome: Cancelled | Rejection): Durability } | undefined {
    const candidates = this.#holdIds.filter((id) => {
      const status = this.model.holds.get(id)?.status;
      return status === 'confirmed' || status === 'cancelled';
    });
    if (candidates.length === 0) return undefined;
    const holdId = candidates[command.pick % candidates.length] as string;
    const first = this.model.holds.get(holdId)?.status === 'confirmed';
    if (first) {
      this.model.cancel(holdId);
      this.#cancelledAtMs.set(holdId, this.nowMs);
    }
    const checkOffers = this.#offersCheck(first ? this.#offerReturned(holdId) : []);
    const cancelledAtMs = this.#cancelledAtMs.get(holdId);
    const hold = this.#placed.get(holdId) as Hold;
    const confirmedAtMs = this.#confirmedAtMs.get(holdId) as number;
    return {
      command: { hold, confirmedAtMs, nowMs: this.nowMs },
      check(outcome) {
        const asked = `answer to the cancellation of ${holdId}`;
        expect(
          outcome.ok ? { first: outcome.first, at: outcome.cancelledAtMs } : outcome.code,
          asked,
        ).toEqual({
          first,
          at: cancelledAtMs,
        });
        if (!outcome.ok) return undefined;
        checkOffers(outcome.offers);
        // A repeat waits for whatever is in flight, which may fail in a fault group and changes nothing.
        if (!first) outcome.durable.catch(() => {});
        return first ? outcome.durable : undefined;
      },
    };
  }

  /** Moves the model as the gate must for an extension, and returns the check of the gate's answer. */
  expectExtension(command: ExtendModelCommand): {
    holdId: string;
    check(outcome: Extended | Rejection): Durability;
  } {
    const live = this.#holdIds.filter((id) => this.model.holds.get(id)?.status === 'held');
    const candidates = live.length > 0 ? live : this.#holdIds;
    const holdId = candidates[command.pick % Math.max(1, candidates.length)] ?? `h.${this.eventId}.unknown`;
    const expected = this.model.extend(holdId, command.seconds, this.nowMs);
    return {
      holdId,
      check(outcome) {
        const asked = `answer to extend of ${holdId} by ${command.seconds} s`;
        expect(outcome.ok ? 'extended' : outcome.code, asked).toBe(expected.code ?? 'extended');
        if (!outcome.ok) return undefined;
        expect(outcome.hold.expiresAtMs, asked).toBe(expected.expiresAtMs);
        if (expected.changed === true) return outcome.durable;
        // An extension that asked for no more time wrote nothing; it waits for whatever is in flight.
        outcome.durable.catch(() => {});
        return undefined;
      },
    };
  }

  /**
   * A late payment, as the service sends it: a live hold (expired or not) is confirmed by confirmPaid, a
   * hold the sweeper ended as expired by confirmExpired; holds that ended otherwise are the store's answer
   * and never reach the gate, so they are not picked. Returns the call and the check of its answer.
   */
  expectLatePayment(
    command: PayLateModelCommand,
  ):
    | { call(gate: Gate): Promise<Confirmed | Rejection>; check(outcome: Confirmed | Rejection): Durability }
    | undefined {
    const candidates = this.#holdIds.filter((id) => {
      const hold = this.model.holds.get(id);
      return (
        hold !== undefined &&
        (hold.status !== 'confirmed' || hold.retaken === true) &&
        hold.status !== 'released' &&
        hold.status !== 'cancelled'
      );
    });
    if (candidates.length === 0) return undefined;
    const holdId = candidates[command.pick % candidates.length] as string;
    const hold = this.model.holds.get(holdId) as ModelHold;
    const placed = this.#placed.get(holdId) as Hold;
    const nowMs = this.nowMs;
    let expected: { code: ErrorCode; reason?: string } | undefined;
    let late = true;
    let call: (gate: Gate) => Promise<Confirmed | Rejection>;
    if (hold.status === 'held') {
      late = hold.expiresAtMs <= nowMs;
      this.model.end(holdId, 'confirmed');
      call = (gate) => gate.confirmPaid(holdId, { reference: 'pay', amount: placed.total }, nowMs);
    } else {
      expected = hold.status === 'confirmed' ? { code: 'hold_confirmed' } : this.model.retake(holdId);
      call = (gate) => gate.confirmExpired({ ...placed, status: 'expired' }, { reference: 'pay' }, nowMs);
    }
    // A late payment that confirms makes an order the cancel command may pick.
    if (expected === undefined) this.#confirmedAtMs.set(holdId, nowMs);
    return {
      call,
      check(outcome) {
        const asked = `answer to a late payment of ${holdId} (${hold.status})`;
        const answer = outcome.ok
          ? { code: 'confirmed' }
          : outcome.reason === undefined
            ? { code: outcome.code }
            : { code: outcome.code, reason: outcome.reason };
        expect(answer, asked).toEqual(expected ?? { code: 'confirmed' });
        if (!outcome.ok) return undefined;
        expect(outcome.order.holdId, asked).toBe(holdId);
        expect({ late: outcome.order.late === true, ref: outcome.order.paymentReference }, asked).toEqual({
          late,
          ref: 'pay',
        });
        return outcome.durable;
      },
    };
  }

  /**
   * Expires in the model every hold due now, each offering what it returned; returns how many the gate's
   * sweep must end, and the check of the offers it made.
   */
  expectSweep(): { expired: number; checkOffers(offers: readonly Hold[] | undefined): void } {
    const due = this.model.dueHolds(this.nowMs);
    // Every due hold ends first; then what they returned, all of it, is offered.
    for (const holdId of due) this.model.end(holdId, 'expired');
    const returned = due.flatMap((holdId) => (this.model.holds.get(holdId) as ModelHold).items);
    const offers = this.model.offerReturned(returned, this.nowMs);
    return { expired: due.length, checkOffers: this.#offersCheck(offers) };
  }

  /** A join: its place (new or the buyer's existing one) or the refusal the model expects. */
  expectJoin(command: JoinModelCommand): {
    request: WaitlistRequest;
    check(outcome: WaitlistJoined | Rejection): Durability;
  } {
    const { request } = command;
    const poolId = request.poolId as string;
    const { model } = this;
    const known = model.waitlist.find((w) => w.userId === request.userId);
    let expected: ErrorCode | 'created' | 'known';
    if (!(poolId in POOLS)) expected = 'pool_not_found';
    else if (request.quantity > MAX_PER_USER) expected = 'limit_exceeded';
    else if (known !== undefined)
      expected =
        known.poolId === poolId && known.quantity === request.quantity ? 'known' : 'already_waitlisted';
    else if (model.poolRefusal(poolId, request.quantity) === undefined) expected = 'not_sold_out';
    else expected = 'created';
    if (expected === 'created')
      model.waitlist.push({ userId: request.userId, poolId, quantity: request.quantity });
    const position = model.position(request.userId);
    return {
      request,
      check(outcome) {
        const asked = `answer to joining ${JSON.stringify(request)}`;
        if (!outcome.ok) {
          expect(outcome.code, asked).toBe(expected);
          return undefined;
        }
        expect(outcome.created ? 'created' : 'known', asked).toBe(expected);
        expect(outcome.spot.position, asked).toBe(position);
        expect(outcome.spot.entry, asked).toMatchObject(request);
        if (outcome.created) return outcome.durable;
        outcome.durable.catch(() => {});
        return undefined;
      },
    };
  }

  expectLeave(command: LeaveModelCommand): (outcome: WaitlistLeft | Rejection) => Durability {
    const { model } = this;
    const waiter = model.waitlist.find((w) => w.userId === command.userId);
    if (waiter !== undefined) model.waitlist = model.waitlist.filter((w) => w !== waiter);
    return (outcome) => {
      const asked = `answer to ${command.userId} leaving`;
      expect(outcome.ok ? 'left' : outcome.code, asked).toBe(waiter ? 'left' : 'waitlist_entry_not_found');
      if (!outcome.ok) return undefined;
      expect(outcome.entry, asked).toMatchObject(waiter as object);
      return outcome.durable;
    };
  }

  /** The offers the stock of this hold, just returned, makes in the model. */
  #offerReturned(holdId: string): ModelOffer[] {
    return this.model.offerReturned((this.model.holds.get(holdId) as ModelHold).items, this.nowMs);
  }

  /**
   * The check of the offers a step made: the same buyers, pools and quantities as the model's (compared by
   * buyer: a buyer has one entry, so one offer per step), each living OFFER_TTL_MS; the model's offers then
   * take the gate's ids and may be picked by later commands.
   */
  #offersCheck(expected: readonly ModelOffer[]): (offers: readonly Hold[] | undefined) => void {
    const nowMs = this.nowMs;
    return (offers) => {
      const made = (offers ?? []).filter((hold) => hold.eventId === this.eventId);
      const shown = (list: { userId: string; poolId?: string; quantity: number }[]) =>
        list.map((o) => `${o.userId} ${o.poolId} x${o.quantity}`).sort();
      expect(
        shown(made.map((h) => ({ userId: h.userId, ...(h.items[0] as ModelItem) }))),
        'offers made',
      ).toEqual(shown([...expected]));
      for (const hold of made) {
        expect(hold.expiresAtMs - nowMs, 'claim window of an offer').toBe(OFFER_TTL_MS);
        const offer = expected.find((o) => o.userId === hold.userId) as ModelOffer;
        this.model.rename(offer.placeholder, hold.id);
        this.#placed.set(hold.id, { ...hold, status: 'held', orderId: undefined });
        this.#holdIds.push(hold.id);
      }
    };
  }

  #expectedPlacement({ request, key, confirm }: PlaceModelCommand): ExpectedPlacement {
    if (key !== undefined) {
      // Keys are the buyer's own: the same key from another user is another key.
      const known = this.model.idempotency.get(`${request.userId}\n${key}`);
      if (known !== undefined) {
        const same = known.fingerprint === fingerprintOf(request, confirm ? 'order' : 'hold');
        return same ? { replayOf: known.holdId } : { code: 'idempotency_key_reused' };
      }
    }
    const quantity = request.seats?.length ?? (request.quantity as number);
    const code =
      (request.poolId !== undefined
        ? this.model.poolRefusal(request.poolId, quantity)
        : request.seats !== undefined
          ? this.model.seatsRefusal(request.seats)
          : this.model.freeSeats().length < quantity
            ? 'sold_out'
            : undefined) ?? this.model.refusal(request.userId, quantity);
    return { code };
  }

  /** Checks that the hold is what was asked for, then records it in the model. */
  #applyPlaced(
    { request, key, confirm }: PlaceModelCommand,
    hold: Hold,
    free: string[],
    nowMs: number,
  ): void {
    const items: ModelItem[] = hold.items.map(({ seatId, poolId, quantity }) => ({
      seatId,
      poolId,
      quantity,
    }));
    checkItemsAsked(request, items, free);
    expect({ userId: hold.userId, expiresAtMs: hold.expiresAtMs }, 'placed hold').toEqual({
      userId: request.userId,
      expiresAtMs: nowMs + TTL_MS,
    });
    const prices = hold.items.map((item) => item.price);
    expect(prices, 'prices of the placed hold').toEqual(
      items.map((item) => (item.seatId === undefined ? POOL_PRICE : SEAT_PRICE)),
    );
    expect(hold.total, 'total of the placed hold').toBe(
      hold.items.reduce((sum, item) => sum + item.price * item.quantity, 0),
    );
    this.model.place(hold.id, request.userId, items, nowMs);
    this.#placed.set(hold.id, { ...hold, status: 'held', orderId: undefined });
    if (confirm) {
      this.model.end(hold.id, 'confirmed');
      this.#confirmedAtMs.set(hold.id, nowMs);
    }
    if (key !== undefined)
      this.model.idempotency.set(`${request.userId}\n${key}`, {
        fingerprint: fingerprintOf(request, confirm ? 'order' : 'hold'),
        holdId: hold.id,
      });
    this.#holdIds.push(hold.id);
  }
}

/** The gate took what the request named: the pool and quantity, the named seats, or best available seats. */
function checkItemsAsked(request: HoldRequest, items: readonly ModelItem[], free: readonly string[]): void {
  if (request.poolId !== undefined) {
    expect(items, 'items of the placed hold').toEqual([
      { poolId: request.poolId, quantity: request.quantity },
    ]);
  } else if (request.seats !== undefined) {
    const taken = items.map((item) => `${item.seatId} x${item.quantity}`);
    expect(taken.sort(), 'seats of the placed hold').toEqual(
      request.seats.map((seatId) => `${seatId} x1`).sort(),
    );
  } else {
    checkBestAvailable(items, free, request.quantity as number);
  }
}
