// The sale state of one event in memory. `apply` and `undo` of log entries are its only mutators, so the
// state is always the fold of the accepted log, and a failed commit can be undone entry by entry.

import { capacityOf, seatIdOf } from '../../domain/event-spec.js';
import type { LogEntry, SoldOutMark } from '../../domain/log-entry.js';
import { isHoldEntry, itemCount } from '../../domain/log-entry.js';
import type {
  Availability,
  EventSpec,
  EventState,
  HoldItem,
  SeatState,
  SeatStatus,
} from '../../domain/types.js';
import { IdempotencyBook, type IdempotencyLimits } from './idempotency-book.js';
import { WaitlistBook } from './waitlist-book.js';

export const SEAT_FREE = 0;
export const SEAT_HELD = 1;
export const SEAT_SOLD = 2;
const STATUS_NAMES: readonly SeatStatus[] = ['available', 'held', 'sold'];

/** Live counts of a pool or a section, kept by apply/undo so that reading them costs nothing. */
export interface Counts {
  readonly capacity: number;
  available: number;
  held: number;
  sold: number;
}

export interface PoolCounts extends Counts {
  readonly price: number;
}

interface MutableRow {
  readonly start: number;
  readonly count: number;
  available: number;
  /** The counts of the row's section. */
  readonly section: Counts;
}

export interface SectionLayout {
  readonly id: string;
  readonly price: number;
  readonly rows: MutableRow[];
  readonly start: number;
  readonly count: number;
  readonly counts: Counts;
}

export class EventBook {
  /** Replaced by an admin's change of name, venue or start time (updateEvent); the layout never changes. */
  spec: EventSpec;
  /** false: placements are refused with sales_closed (an admin closed the sales). */
  salesOpen = true;
  readonly capacity: number;
  readonly pools = new Map<string, PoolCounts>();
  readonly sections = new Map<string, SectionLayout>();
  readonly seatIndex = new Map<string, number>();
  readonly seatIds: string[] = [];
  readonly seatState: Uint8Array;
  /** Row of each seat, to keep the row's free count without a search. */
  readonly seatRow: MutableRow[] = [];
  readonly itemsByUser = new Map<string, number>();
  readonly idempotency: IdempotencyBook;
  /** Order id → when it was cancelled: a cancelled order is never cancelled again. One entry per cancel. */
  readonly cancelledOrders = new Map<string, number>();
  /** Buyers in line for sold-out pools and sections; an offer's placement takes its entry out. */
  readonly waitlist = new WaitlistBook();
  held = 0;
  sold = 0;
  /** Counts every apply and undo: a seat map read at one value is current until it moves (seatMap()). */
  version = 0;

  constructor(spec: EventSpec, idempotencyLimits?: IdempotencyLimits) {
    this.spec = spec;
    this.idempotency = new IdempotencyBook(idempotencyLimits);
    this.capacity = capacityOf(spec);
    for (const pool of spec.pools) {
      this.pools.set(pool.id, {
        capacity: pool.capacity,
        price: pool.price,
        available: pool.capacity,
        held: 0,
        sold: 0,
      });
    }
    for (const section of spec.sections) {
      const start = this.seatIds.length;
      const rows: MutableRow[] = [];
      const seats = section.rows.reduce((sum, row) => sum + row.seats, 0);
      const counts: Counts = { capacity: seats, available: seats, held: 0, sold: 0 };
      for (const row of section.rows) {
        const layout = {
          start: this.seatIds.length,
          count: row.seats,
          available: row.seats,
          section: counts,
        };
        rows.push(layout);
        for (let n = 1; n <= row.seats; n++) {
          const id = seatIdOf(section.id, row.id, n);
          this.seatIndex.set(id, this.seatIds.length);
          this.seatIds.push(id);
          this.seatRow.push(layout);
        }
      }
      this.sections.set(section.id, {
        id: section.id,
        price: section.price,
        rows,
        start,
        count: this.seatIds.length - start,
        counts,
      });
    }
    this.seatState = new Uint8Array(this.seatIds.length);
  }

  get available(): number {
    return this.capacity - this.held - this.sold;
  }

  isFree = (index: number): boolean => this.seatState[index] === SEAT_FREE;

  /**
   * The mark of an entry about to take `count` units from sale (domain/log-entry.ts SoldOutMark): set when they
   * are the event's last ones. Read before the entry is applied, in the same synchronous step.
   */
  soldOutMark(count: number): SoldOutMark {
    return count > 0 && this.available === count ? { soldOut: true } : {};
  }

  apply(entry: LogEntry): void {
    if (!isHoldEntry(entry)) {
      if (entry.type === 'waitlist_joined') this.waitlist.add(entry.entry);
      else if (entry.type === 'waitlist_left') this.waitlist.remove(entry.entry);
      return;
    }
    this.version++;
    const hold = entry.hold;
    const count = itemCount(hold);
    switch (entry.type) {
      case 'hold_placed':
        this.#moveItems(hold.items, 'available', 'held', SEAT_HELD);
        this.held += count;
        this.#addUserItems(hold.userId, count);
        if (entry.idempotencyKey !== undefined && entry.fingerprint !== undefined) {
          this.idempotency.remember(hold.userId, entry.idempotencyKey, {
            holdId: hold.id,
            fingerprint: entry.fingerprint,
            placedAtMs: hold.createdAtMs,
          });
        }
        if (entry.offer !== undefined) this.waitlist.remove(entry.offer);
        return;
      case 'hold_confirmed':
        if (entry.retaken === true) {
          // A late confirm after the expiry returned the items: they go from sale straight to sold.
          this.#moveItems(hold.items, 'available', 'sold', SEAT_SOLD);
          this.sold += count;
          this.#addUserItems(hold.userId, count);
          return;
        }
        this.#moveItems(hold.items, 'held', 'sold', SEAT_SOLD);
        this.held -= count;
        this.sold += count;
        return;
      case 'hold_released':
      case 'hold_expired':
        this.#moveItems(hold.items, 'held', 'available', SEAT_FREE);
        this.held -= count;
        this.#addUserItems(hold.userId, -count);
        return;
      case 'order_cancelled':
        this.#moveItems(hold.items, 'sold', 'available', SEAT_FREE);
        this.sold -= count;
        this.#addUserItems(hold.userId, -count);
        this.cancelledOrders.set(entry.orderId, entry.atMs);
        return;
      case 'hold_extended':
        return;
    }
  }

  /** The exact inverse of apply(entry), valid when entry was the last entry applied. */
  undo(entry: LogEntry): void {
    if (!isHoldEntry(entry)) {
      if (entry.type === 'waitlist_joined') this.waitlist.remove(entry.entry);
      else if (entry.type === 'waitlist_left') this.waitlist.add(entry.entry);
      return;
    }
    // Forward, never back: an undone change followed by another must not reuse a version already handed out.
    this.version++;
    const hold = entry.hold;
    const count = itemCount(hold);
    switch (entry.type) {
      case 'hold_placed':
        this.#moveItems(hold.items, 'held', 'available', SEAT_FREE);
        this.held -= count;
        this.#addUserItems(hold.userId, -count);
        // A key the placement pushed out of the bounds stays forgotten: a retry of it is then a new request.
        if (entry.idempotencyKey !== undefined)
          this.idempotency.forget(hold.userId, entry.idempotencyKey, hold.id);
        if (entry.offer !== undefined) this.waitlist.add(entry.offer);
        return;
      case 'hold_confirmed':
        if (entry.retaken === true) {
          this.#moveItems(hold.items, 'sold', 'available', SEAT_FREE);
          this.sold -= count;
          this.#addUserItems(hold.userId, -count);
          return;
        }
        this.#moveItems(hold.items, 'sold', 'held', SEAT_HELD);
        this.held += count;
        this.sold -= count;
        return;
      case 'hold_released':
      case 'hold_expired':
        this.#moveItems(hold.items, 'available', 'held', SEAT_HELD);
        this.held += count;
        this.#addUserItems(hold.userId, count);
        return;
      case 'order_cancelled':
        this.#moveItems(hold.items, 'available', 'sold', SEAT_SOLD);
        this.sold += count;
        this.#addUserItems(hold.userId, count);
        this.cancelledOrders.delete(entry.orderId);
        return;
      case 'hold_extended':
        return;
    }
  }

  /** True when every item of the hold is sold here: what an order to be cancelled must hold. */
  isSold(items: readonly HoldItem[]): boolean {
    for (const item of items) {
      if (item.seatId !== undefined) {
        const index = this.seatIndex.get(item.seatId);
        if (index === undefined || this.seatState[index] !== SEAT_SOLD) return false;
      } else if ((this.pools.get(item.poolId as string)?.sold ?? 0) < item.quantity) return false;
    }
    return true;
  }

  /** Whether every item is free to take: each seat free, each pool with the quantity available. */
  itemsFree(items: readonly HoldItem[]): boolean {
    const wanted = new Map<string, number>();
    for (const item of items) {
      if (item.seatId !== undefined) {
        const index = this.seatIndex.get(item.seatId);
        if (index === undefined || this.seatState[index] !== SEAT_FREE) return false;
      } else {
        const poolId = item.poolId as string;
        wanted.set(poolId, (wanted.get(poolId) ?? 0) + item.quantity);
      }
    }
    for (const [poolId, quantity] of wanted)
      if ((this.pools.get(poolId)?.available ?? -1) < quantity) return false;
    return true;
  }

  state(): EventState {
    const pools = [...this.pools].map(([id, pool]) => ({ id, ...countsOf(pool) }));
    const sections = [...this.sections.values()].map((section) => ({
      id: section.id,
      ...countsOf(section.counts),
    }));
    return {
      spec: this.spec,
      salesOpen: this.salesOpen,
      capacity: this.capacity,
      available: this.available,
      held: this.held,
      sold: this.sold,
      pools,
      sections,
    };
  }

  seatStates(sectionId?: string): SeatState[] | undefined {
    let start = 0;
    let end = this.seatIds.length;
    if (sectionId !== undefined) {
      const section = this.sections.get(sectionId);
      if (section === undefined) return undefined;
      start = section.start;
      end = section.start + section.count;
    }
    const seats: SeatState[] = new Array(end - start);
    for (let i = start; i < end; i++) {
      seats[i - start] = {
        id: this.seatIds[i] as string,
        status: STATUS_NAMES[this.seatState[i] as number] as SeatStatus,
      };
    }
    return seats;
  }

  #moveItems(
    items: readonly HoldItem[],
    from: 'available' | 'held' | 'sold',
    to: 'available' | 'held' | 'sold',
    seatState: number,
  ): void {
    for (const item of items) {
      if (item.seatId !== undefined) {
        const index = this.seatIndex.get(item.seatId) as number;
        const row = this.seatRow[index] as MutableRow;
        if (from === 'available') row.available--;
        if (to === 'available') row.available++;
        row.section[from]--;
        row.section[to]++;
        this.seatState[index] = seatState;
      } else {
        const pool = this.pools.get(item.poolId as string) as PoolCounts;
        pool[from] -= item.quantity;
        pool[to] += item.quantity;
      }
    }
  }

  #addUserItems(userId: string, delta: number): void {
    const next = (this.itemsByUser.get(userId) ?? 0) + delta;
    if (next === 0) this.itemsByUser.delete(userId);
    else this.itemsByUser.set(userId, next);
  }
}

function countsOf(counts: Counts): Availability {
  return { capacity: counts.capacity, available: counts.available, held: counts.held, sold: counts.sold };
}
