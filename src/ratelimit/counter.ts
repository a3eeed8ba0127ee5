// The counting port of the rate limiter: memory (embedded) or Redis (distributed, one count shared by every
// API process). A request takes one unit from each of its counters, or from none: a request over any of its
// limits is refused and counts nowhere, so a refused request changes nothing at all.
import type { RateLimit } from './limit-spec.js';

/** What a quota is kept per: client address, buyer, or sales/admin API key. */
export type QuotaKind = 'ip' | 'buyer' | 'key';

export interface Quota {
  readonly kind: QuotaKind;
  readonly limit: RateLimit;
}

/** One counter a request takes from: the quota, and whose count it is (an address, a buyer id, a key id). */
export interface Take {
  readonly quota: Quota;
  readonly who: string;
}

export interface Verdict {
  readonly allowed: boolean;
  /** Per take, in order: what is left of the quota after this request. */
  readonly remaining: readonly number[];
  /** Per take, in order: milliseconds until its window ends and the quota is whole again. */
  readonly resetMs: readonly number[];
}

export interface RateCounter {
  take(takes: readonly Take[]): Promise<Verdict>;
  /**
   * The same decision without waiting, for a counter that needs no I/O (memory): the limiter then answers in
   * the same turn, with no promise or microtask per request. Absent on a counter that must wait (Redis).
   */
  takeNow?(takes: readonly Take[]): Verdict;
}
