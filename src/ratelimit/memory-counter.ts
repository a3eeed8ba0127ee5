// In-process counters for the embedded shape: a fixed window per counter, opened by its first request.
// One map per quota kind, so that every window in a map has the same length: insertion order is then
// expiry order, expired windows are dropped from the front, and when a map is full the window closest to
// its end is the one given up. Memory is bounded by RATE_LIMIT_KEYS_MAX per kind.
import type { QuotaKind, RateCounter, Take, Verdict } from './counter.js';

/**
 * Windows tracked per quota kind: 200,000 is the crowd of a large on-sale (DESIGN.md) inside one window;
 * at ~120 bytes an entry, ~25 MiB per kind at worst. Past it the oldest window is forgotten early, which can
 * only let a client through sooner, never refuse one wrongly.
 */
export const RATE_LIMIT_KEYS_MAX = 200_000;

interface Window {
  readonly who: string;
  taken: number;
  readonly endsAtMs: number;
}

/**
 * The windows of one quota kind. Every window of a kind has the same length, so the order in which they
 * were opened is the order in which they end: `#order` is a queue in that order (a window reopened later is
 * queued again; its old place is skipped when reached). Giving up the oldest is a pop, never a scan.
 */
class Windows {
  readonly #byWho = new Map<string, Window>();
  #order: Window[] = [];
  #head = 0;

  get size(): number {
    return this.#byWho.size;
  }

  open(who: string, now: number): Window | undefined {
    const window = this.#byWho.get(who);
    return window !== undefined && window.endsAtMs > now ? window : undefined;
  }

  add(window: Window, now: number, keysMax: number): void {
    this.#dropEnded(now);
    while (this.#byWho.size >= keysMax) this.#dropOldest();
    this.#byWho.set(window.who, window);
    this.#order.push(window);
  }

  #dropEnded(now: number): void {
    for (let first = this.#order[this.#head]; first !== undefined && first.endsAtMs <= now; ) {
      this.#dropOldest();
      first = this.#order[this.#head];
    }
  }

  #dropOldest(): void {
    const oldest = this.#order[this.#head++];
    if (oldest !== undefined && this.#byWho.get(oldest.who) === oldest) this.#byWho.delete(oldest.who);
    // Compact now and then, so the queue holds about as many entries as the map (amortised O(1)).
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
  }
}

export class MemoryRateCounter implements RateCounter {
  readonly #windows: Record<QuotaKind, Windows> = {
    ip: new Windows(),
    buyer: new Windows(),
    key: new Windows(),
  };
  readonly #clock: () => number;
  readonly #keysMax: number;

  constructor(options: { clock?: () => number; keysMax?: number } = {}) {
    this.#clock = options.clock ?? Date.now;
    this.#keysMax = options.keysMax ?? RATE_LIMIT_KEYS_MAX;
  }

  /** Windows tracked now, all kinds together (tests check the bound). */
  get tracked(): number {
    return this.#windows.ip.size + this.#windows.buyer.size + this.#windows.key.size;
  }

  take(takes: readonly Take[]): Promise<Verdict> {
    return Promise.resolve(this.takeNow(takes));
  }

  /** The same decision, synchronously: nothing here waits. */
  takeNow(takes: readonly Take[]): Verdict {
    const now = this.#clock();
    const windows = takes.map((take) => this.#current(take, now));
    const allowed = windows.every((window, i) => window.taken < (takes[i] as Take).quota.limit.count);
    if (allowed) for (const window of windows) window.taken++;
    return {
      allowed,
      remaining: windows.map((window, i) => Math.max((takes[i] as Take).quota.limit.count - window.taken, 0)),
      resetMs: windows.map((window) => window.endsAtMs - now),
    };
  }

  /** The open window of a counter: its own, or a new one (tracked from here on, within the bound). */
  #current(take: Take, now: number): Window {
    const windows = this.#windows[take.quota.kind];
    const open = windows.open(take.who, now);
    if (open !== undefined) return open;
    const fresh = { who: take.who, taken: 0, endsAtMs: now + take.quota.limit.windowSeconds * 1000 };
    windows.add(fresh, now, this.#keysMax);
    return fresh;
  }
}
