// A trivial reference model of one event's sale state, for the model-based property tests. It decides
// every command the obvious way, with plain maps and no cleverness, so that a disagreement with the gate
// points at the gate.
import type { ErrorCode } from '../../src/domain/errors.js';
import type { EventSpec } from '../../src/domain/types.js';

export const TTL_MS = 10_000;
/** The event sets no maxHoldSeconds: twice the TTL from placement, as buildEventSpec defaults it. */
export const MAX_HOLD_MS = 2 * TTL_MS;
export const MAX_PER_USER = 3;
/** The claim window of waitlist offers: shorter than the TTL, so offers lapse within runs. */
export const OFFER_TTL_MS = 4_000;
/** A time far from zero: the Redis scripts read 0 as "use Redis's own clock". */
export const START_MS = 1_800_000_000_000;
export const POOLS: Record<string, number> = { ga: 5, vip: 2 };
export const POOL_PRICE = 100;
export const SEAT_PRICE = 500;
export const ROWS: readonly { id: string; seats: number }[] = [
  { id: '1', seats: 4 },
  { id: '2', seats: 3 },
];
export const SEAT_IDS = ROWS.flatMap((row) =>
  Array.from({ length: row.seats }, (_, i) => `A-${row.id}-${i + 1}`),
);

/** The event the model describes, under the id a run gives it. */
export function modelSpec(eventId: string): EventSpec {
  return {
    id: eventId,
    name: 'Model',
    venue: 'Model Hall',
    startsAt: '2027-01-01T20:00:00.000Z',
    holdTtlSeconds: TTL_MS / 1000,
    maxPerUser: MAX_PER_USER,
    offerTtlSeconds: OFFER_TTL_MS / 1000,
    pools: Object.entries(POOLS).map(([id, capacity]) => ({ id, name: id, capacity, price: POOL_PRICE })),
    sections: [{ id: 'A', name: 'A', price: SEAT_PRICE, rows: ROWS }],
  };
}

/** `cancelled`: a confirmed hold whose order was cancelled; its stock is on sale again. */
export type ModelStatus = 'held' | 'confirmed' | 'released' | 'expired' | 'cancelled';

export interface ModelItem {
  readonly seatId?: string;
  readonly poolId?: string;
  readonly quantity: number;
}

export interface ModelHold {
  readonly userId: string;
  readonly items: readonly ModelItem[];
  readonly createdAtMs: number;
  expiresAtMs: number;
  status: ModelStatus;
  /** Confirmed after its expiry had ended it: its items were taken from sale again. */
  retaken?: boolean;
}

/** A buyer in line for a pool (the model's waitlist is of pools only; see arbitraries.ts). */
export interface ModelWaiter {
  readonly userId: string;
  readonly poolId: string;
  readonly quantity: number;
}

/** An offer the model expects a step to make: a hold for a waiter, under a placeholder id until the gate's. */
export interface ModelOffer {
  readonly placeholder: string;
  readonly userId: string;
  readonly poolId: string;
  readonly quantity: number;
}

export class SaleModel {
  /** Every waiter of the event in order of joining (each line is its waiters of one pool, in this order). */
  waitlist: ModelWaiter[] = [];
  #offers = 0;

  readonly pools = new Map(
    Object.entries(POOLS).map(([id, capacity]) => [id, { capacity, held: 0, sold: 0 }]),
  );
  /** seat → holding hold id and whether sold */
  readonly seats = new Map<string, { holdId: string; sold: boolean }>();
  readonly holds = new Map<string, ModelHold>();
  readonly userItems = new Map<string, number>();
  /** `<user>\n<key>` → what it placed. Runs stay far inside the gates' bounds (6 keys, minutes of time). */
  readonly idempotency = new Map<string, { fingerprint: string; holdId: string }>();

  userCount(userId: string): number {
    return this.userItems.get(userId) ?? 0;
  }

  /** The expected refusal of a placement before choosing items, or undefined if it passes these checks. */
  refusal(userId: string, quantity: number): ErrorCode | undefined {
    return this.userCount(userId) + quantity > MAX_PER_USER ? 'limit_exceeded' : undefined;
  }

  poolRefusal(poolId: string, quantity: number): ErrorCode | undefined {
    const pool = this.pools.get(poolId);
    if (pool === undefined) return 'pool_not_found';
    return pool.capacity - pool.held - pool.sold < quantity ? 'sold_out' : undefined;
  }

  seatsRefusal(seatIds: readonly string[]): ErrorCode | undefined {
    for (const seatId of seatIds) {
      if (!SEAT_IDS.includes(seatId)) return 'seat_not_found';
      if (this.seats.has(seatId)) return 'seat_unavailable';
    }
    return new Set(seatIds).size === seatIds.length ? undefined : 'invalid_request';
  }

  freeSeats(): string[] {
    return SEAT_IDS.filter((seat) => !this.seats.has(seat));
  }

  /** 1 for the first in the line of its pool. */
  position(userId: string): number | undefined {
    const waiter = this.waitlist.find((w) => w.userId === userId);
    if (waiter === undefined) return undefined;
    return this.waitlist.filter((w) => w.poolId === waiter.poolId).indexOf(waiter) + 1;
  }

  /**
   * Offers stock a hold's items returned: per pool returned, in the order of the items, the first waiter in
   * line who fits (enough free, room under the per-user limit) gets a hold, again until nobody fits or one
   * offer per unit returned was made.
   */
  offerReturned(items: readonly ModelItem[], nowMs: number): ModelOffer[] {
    const made: ModelOffer[] = [];
    const units = items.reduce((sum, item) => sum + item.quantity, 0);
    const pools = [...new Set(items.filter((i) => i.poolId !== undefined).map((i) => i.poolId as string))];
    for (const poolId of pools) {
      for (let served = 0; served < units; served++) {
        const waiter = this.waitlist.find(
          (w) =>
            w.poolId === poolId &&
            this.poolRefusal(poolId, w.quantity) === undefined &&
            this.refusal(w.userId, w.quantity) === undefined,
        );
        if (waiter === undefined) break;
        this.waitlist = this.waitlist.filter((w) => w !== waiter);
        this.#offers += 1;
        const placeholder = `offer-${this.#offers}`;
        this.place(placeholder, waiter.userId, [{ poolId, quantity: waiter.quantity }], nowMs, OFFER_TTL_MS);
        made.push({ placeholder, userId: waiter.userId, poolId, quantity: waiter.quantity });
      }
    }
    return made;
  }

  /** Gives an offer the id the gate gave it. */
  rename(placeholder: string, holdId: string): void {
    const hold = this.holds.get(placeholder) as ModelHold;
    this.holds.delete(placeholder);
    this.holds.set(holdId, hold);
  }

  place(
    holdId: string,
    userId: string,
    items: readonly ModelItem[],
    nowMs: number,
    ttlMs: number = TTL_MS,
  ): void {
    let count = 0;
    for (const item of items) {
      count += item.quantity;
      if (item.seatId !== undefined) this.seats.set(item.seatId, { holdId, sold: false });
      else (this.pools.get(item.poolId as string) as { held: number }).held += item.quantity;
    }
    this.userItems.set(userId, this.userCount(userId) + count);
    this.holds.set(holdId, {
      userId,
      items,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + ttlMs,
      status: 'held',
    });
  }

  /** Cancels a confirmed hold's order: its seats and stock on sale again, its buyer's count lower. */
  cancel(holdId: string): void {
    const hold = this.holds.get(holdId) as ModelHold;
    hold.status = 'cancelled';
    let count = 0;
    for (const item of hold.items) {
      count += item.quantity;
      if (item.seatId !== undefined) this.seats.delete(item.seatId);
      else (this.pools.get(item.poolId as string) as { sold: number }).sold -= item.quantity;
    }
    this.userItems.set(hold.userId, this.userCount(hold.userId) - count);
  }

  end(holdId: string, status: Exclude<ModelStatus, 'held' | 'cancelled'>): void {
    const hold = this.holds.get(holdId) as ModelHold;
    hold.status = status;
    let count = 0;
    for (const item of hold.items) {
      count += item.quantity;
      if (item.seatId !== undefined) {
        if (status === 'confirmed') this.seats.set(item.seatId, { holdId, sold: true });
        else this.seats.delete(item.seatId);
      } else {
        const pool = this.pools.get(item.poolId as string) as { held: number; sold: number };
        pool.held -= item.quantity;
        if (status === 'confirmed') pool.sold += item.quantity;
      }
    }
    if (status !== 'confirmed') this.userItems.set(hold.userId, this.userCount(hold.userId) - count);
  }

  /** What the gate must answer to confirm/release of this hold id. */
  endRefusal(holdId: string, nowMs: number): ErrorCode | undefined {
    const hold = this.holds.get(holdId);
    if (hold === undefined || hold.status !== 'held') return 'hold_not_found';
    return hold.expiresAtMs <= nowMs ? 'hold_expired' : undefined;
  }

  /** What the gate must answer to extending this hold by `seconds` at nowMs; applies it when accepted. */
  extend(
    holdId: string,
    seconds: number,
    nowMs: number,
  ): { code?: ErrorCode; expiresAtMs?: number; changed?: boolean } {
    const code = this.endRefusal(holdId, nowMs);
    if (code !== undefined) return { code };
    const hold = this.holds.get(holdId) as ModelHold;
    const wanted = Math.max(hold.expiresAtMs, nowMs + seconds * 1000);
    if (wanted > hold.createdAtMs + MAX_HOLD_MS) return { code: 'hold_extension_limit' };
    const changed = wanted !== hold.expiresAtMs;
    hold.expiresAtMs = wanted;
    return { expiresAtMs: wanted, changed };
  }

  /**
   * A late payment of a hold that ended as expired: its items are taken again if all are free and the
   * buyer's limit has room. Returns the refusal, or undefined when the model confirmed it.
   */
  retake(holdId: string): { code: ErrorCode; reason?: string } | undefined {
    const hold = this.holds.get(holdId) as ModelHold;
    const wanted = new Map<string, number>();
    let count = 0;
    for (const item of hold.items) {
      count += item.quantity;
      if (item.seatId !== undefined) {
        if (this.seats.has(item.seatId)) return { code: 'hold_expired', reason: 'stock_taken' };
      } else wanted.set(item.poolId as string, (wanted.get(item.poolId as string) ?? 0) + item.quantity);
    }
    for (const [poolId, quantity] of wanted)
      if (this.poolRefusal(poolId, quantity) !== undefined)
        return { code: 'hold_expired', reason: 'stock_taken' };
    if (this.userCount(hold.userId) + count > MAX_PER_USER) return { code: 'limit_exceeded' };
    for (const item of hold.items) {
      if (item.seatId !== undefined) this.seats.set(item.seatId, { holdId, sold: true });
      else (this.pools.get(item.poolId as string) as { sold: number }).sold += item.quantity;
    }
    this.userItems.set(hold.userId, this.userCount(hold.userId) + count);
    hold.status = 'confirmed';
    hold.retaken = true;
    return undefined;
  }

  dueHolds(nowMs: number): string[] {
    return [...this.holds]
      .filter(([, hold]) => hold.status === 'held' && hold.expiresAtMs <= nowMs)
      .map(([id]) => id);
  }

  totals(): { held: number; sold: number } {
    let held = 0;
    let sold = 0;
    for (const pool of this.pools.values()) {
      held += pool.held;
      sold += pool.sold;
    }
    for (const seat of this.seats.values()) {
      if (seat.sold) sold++;
      else held++;
    }
    return { held, sold };
  }
}
