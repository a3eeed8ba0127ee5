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
  taken: number;
  endsAtMs: number;
}

export class MemoryRateCounter implements RateCounter {
  readonly #windows: Record<QuotaKind, Map<string, Window>> = {
    ip: new Map(),
    buyer: new Map(),
    key: new Map(),
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
    const map = this.#windows[take.quota.kind];
    const open = map.get(take.who);
    if (open !== undefined && open.endsAtMs > now) return open;
    if (open !== undefined) map.delete(take.who);
    this.#makeRoom(map, now);
    const fresh = { taken: 0, endsAtMs: now + take.quota.limit.windowSeconds * 1000 };
    map.set(take.who, fresh);
    return fresh;
  }

  #makeRoom(map: Map<string, Window>, now: number): void {
    for (const [who, window] of map) {
      if (window.endsAtMs > now && map.size < this.#keysMax) return;
      map.delete(who);
    }
  }
}
