// A trivial reference model of one event's waiting room, for the model-based property test of the waiting
// room port. It decides every operation the obvious way, with plain maps, arrays and integer arithmetic (the
// rate credit is counted in admissions × 60,000, so it is exact where the adapters use floating point), so that
// a disagreement with an adapter points at the adapter.
//
// The fair draw cannot be predicted, and the model does not try: the early joiners' order is whichever
// permutation of them the adapter's answers allow. The model keeps every permutation still possible and
// strikes out those an answer contradicts (a position, or who was admitted first); none left is a failure.
import {
  ADMISSION_BURST_SECONDS,
  ADMISSION_STEP_MAX,
  PASSES_PER_AVAILABLE_TICKET,
  QUEUE_RATE_WINDOW_MS,
  type QueueSettings,
  type QueueState,
  type Standing,
  type Stock,
} from '../../src/queue/waiting-room.js';

/** A time far from zero: the Redis scripts read 0 as "use Redis's own clock". */
export const OPENS_AT_MS = 1_900_000_000_000;
export const BUYERS = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'] as const;
/** The credit is kept in admissions × this: the rate's accrual, ms × per minute, is then a whole number. */
const CREDIT_UNIT = 60_000;

interface ModelMember {
  readonly joinedAtMs: number;
  lastSeenMs: number;
  passExpiresAtMs?: number;
}

/** A standing the model expects; `earlyPosition` marks a position only the draw decides. */
export interface ExpectedStanding {
  readonly standing: Standing;
  readonly earlyPosition: boolean;
}

export class QueueModel {
  settings: QueueSettings;
  readonly stock: { available: number; held: number; sold: number; salesOpen: boolean };
  readonly members = new Map<string, ModelMember>();
  /** Waiting buyers who joined before the sales start: their order is the draw's. */
  readonly early = new Set<string>();
  /** Waiting buyers who joined from the sales start on, first come first served. */
  late: string[] = [];
  /** The orders of everyone early at the sales start still possible; undefined before the start. */
  orders: string[][] | undefined;
  /** Every buyer ever admitted: nobody is admitted twice. */
  readonly admittedEver = new Set<string>();
  /** Admission times, oldest first. */
  admissions: number[] = [];
  #creditUnits = 0;
  #creditAtMs: number | undefined;
  soldOut = false;
  closed = false;

  constructor(settings: QueueSettings, capacity: number) {
    this.settings = settings;
    this.stock = { available: capacity, held: 0, sold: 0, salesOpen: true };
  }

  stockNow(): Stock {
    const { available, held, salesOpen } = this.stock;
    return { available, held, salesOpen };
  }

  get waiting(): number {
    return this.early.size + this.late.length;
  }

  /** 'not_open', or the buyer's standing after joining (or finding its place). */
  join(buyerId: string, nowMs: number): ExpectedStanding | 'not_open' {
    this.#drawWhenStarted(nowMs);
    let member = this.members.get(buyerId);
    if (member === undefined) {
      if (nowMs < this.settings.opensAtMs) return 'not_open';
      member = { joinedAtMs: nowMs, lastSeenMs: nowMs };
      this.members.set(buyerId, member);
      if (this.orders === undefined) this.early.add(buyerId);
      else this.late.push(buyerId);
    }
    if (member.passExpiresAtMs === undefined) member.lastSeenMs = nowMs;
    return this.#standing(member, buyerId, nowMs);
  }

  /** The standings of a status call; each waiting buyer is heard from now. */
  standings(buyerIds: readonly string[], nowMs: number): (ExpectedStanding | undefined)[] {
    this.#drawWhenStarted(nowMs);
    return buyerIds.map((buyerId) => {
      const member = this.members.get(buyerId);
      if (member === undefined) return undefined;
      if (member.passExpiresAtMs === undefined) member.lastSeenMs = nowMs;
      return this.#standing(member, buyerId, nowMs);
    });
  }

  /**
   * One admission step up to the admissions themselves: expires passes, drops the unheard, sets sold out and
   * closed, and works out how many are admitted. `apply` then takes who the adapter admitted.
   */
  admitStep(abandonAfterMs: number, nowMs: number) {
    this.#drawWhenStarted(nowMs);
    this.#trimWindow(nowMs);
    const cutoffMs = nowMs - abandonAfterMs;
    let abandoned = 0;
    for (const [buyerId, member] of this.members) {
      if (member.passExpiresAtMs !== undefined || member.lastSeenMs >= cutoffMs) continue;
      this.members.delete(buyerId);
      this.early.delete(buyerId);
      this.late = this.late.filter((id) => id !== buyerId);
      abandoned += 1;
    }
    const active = this.activePasses(nowMs);
    const stock = this.stockNow();
    this.closed = !stock.salesOpen;
    this.soldOut = stock.available === 0 && stock.held === 0;
    const count = Math.min(this.#room(active, stock, nowMs), this.waiting);
    return { count, abandoned, activeBefore: active };
  }

  /**
   * Takes the buyers the adapter admitted (`count` of them, as admitStep said); returns why they cannot be
   * the head of the line, or undefined. The early joiners must come first, in an order still possible.
   */
  admit(admittedIds: readonly string[], nowMs: number): string | undefined {
    const fromEarly = Math.min(admittedIds.length, this.early.size);
    const early = admittedIds.slice(0, fromEarly);
    const late = admittedIds.slice(fromEarly);
    if (early.length > 0) {
      const orders = (this.orders ?? []).filter((order) =>
        this.#waitingEarlyOf(order)
          .slice(0, fromEarly)
          .every((id, i) => id === early[i]),
      );
      if (orders.length === 0)
        return `no order of the early joiners ${JSON.stringify(this.orders?.[0])} has ${early} at its head`;
      this.orders = orders;
    }
    const expectedLate = this.late.slice(0, late.length);
    if (late.some((id, i) => id !== expectedLate[i]))
      return `late joiners admitted out of turn: ${late} where ${expectedLate} were next`;
    const passExpiresAtMs = nowMs + this.settings.passMinutes * 60_000;
    for (const buyerId of admittedIds) {
      const member = this.members.get(buyerId) as ModelMember;
      member.passExpiresAtMs = passExpiresAtMs;
      this.early.delete(buyerId);
      this.admittedEver.add(buyerId);
      this.admissions.push(nowMs);
    }
    this.late = this.late.slice(late.length);
    this.#creditUnits -= admittedIds.length * CREDIT_UNIT;
    return undefined;
  }

  activePasses(nowMs: number): number {
    let active = 0;
    for (const member of this.members.values())
      if (member.passExpiresAtMs !== undefined && member.passExpiresAtMs > nowMs) active += 1;
    return active;
  }

  admittedInWindow(nowMs: number): number {
    this.#trimWindow(nowMs);
    return this.admissions.length;
  }

  /**
   * Strikes out the orders in which the early joiner is not at this position (1: first of the early joiners
   * still waiting); false when none is left.
   */
  placeEarly(buyerId: string, position: number): boolean {
    this.orders = (this.orders ?? []).filter(
      (order) => this.#waitingEarlyOf(order).indexOf(buyerId) + 1 === position,
    );
    return this.orders.length > 0;
  }

  #standing(member: ModelMember, buyerId: string, nowMs: number): ExpectedStanding {
    const base = {
      waiting: this.waiting,
      joinedAtMs: member.joinedAtMs,
      admittedInWindow: this.admittedInWindow(nowMs),
      nowMs,
    };
    if (member.passExpiresAtMs !== undefined)
      return {
        standing: { ...base, state: 'admitted', passExpiresAtMs: member.passExpiresAtMs },
        earlyPosition: false,
      };
    const state: QueueState = this.closed ? 'closed' : this.soldOut ? 'sold_out' : 'waiting';
    const started = this.orders !== undefined;
    const lateIndex = this.late.indexOf(buyerId);
    const position = !started ? undefined : lateIndex >= 0 ? this.early.size + lateIndex + 1 : undefined;
    return {
      standing: { ...base, state, position },
      earlyPosition: started && lateIndex < 0,
    };
  }

  /** At the first operation from the sales start on, every order of the early joiners is possible. */
  #drawWhenStarted(nowMs: number): void {
    if (this.orders !== undefined || nowMs < this.settings.salesStartAtMs) return;
    this.orders = permutations([...this.early]);
  }

  #waitingEarlyOf(order: readonly string[]): string[] {
    return order.filter((id) => this.early.has(id));
  }

  /** How many the rate credit, maxActive and the stock allow now; moves the credit along. */
  #room(active: number, stock: Stock, nowMs: number): number {
    const { settings } = this;
    const since = Math.max(this.#creditAtMs ?? settings.salesStartAtMs, settings.salesStartAtMs);
    this.#creditAtMs = nowMs;
    if (settings.paused || nowMs < settings.salesStartAtMs || this.closed || this.soldOut) return 0;
    const capUnits = Math.max(CREDIT_UNIT, settings.admitPerMinute * ADMISSION_BURST_SECONDS * 1_000);
    this.#creditUnits = Math.min(capUnits, this.#creditUnits + (nowMs - since) * settings.admitPerMinute);
    return Math.max(
      0,
      Math.min(
        Math.floor(this.#creditUnits / CREDIT_UNIT),
        settings.maxActive - active,
        PASSES_PER_AVAILABLE_TICKET * stock.available - active,
        ADMISSION_STEP_MAX,
      ),
    );
  }

  #trimWindow(nowMs: number): void {
    this.admissions = this.admissions.filter((atMs) => atMs > nowMs - QUEUE_RATE_WINDOW_MS);
  }
}

function permutations(items: readonly string[]): string[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]),
  );
}
