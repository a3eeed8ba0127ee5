// Verifies buyer tokens (JWTs a platform signs for its logged-in user) with jose, through a bounded cache:
// a token seen before costs a map lookup until its `exp` (or CACHE_TTL_MS_MAX, so that a key removed from the
// key set stops its tokens within that long). Every failure of the token itself is "invalid" (401); only a
// key set that cannot be fetched is "unavailable" (503), since the token may well be good.
import { errors, jwtVerify } from 'jose';
import type { BuyerKey } from './buyer-key.js';
import type { Caller } from './caller.js';
import { LruCache } from './lru-cache.js';

/** Distinct tokens cached at once: ~300 bytes each, so about 15 MB at most; a busy on-sale's active buyers. */
export const BUYER_TOKEN_CACHE_ENTRIES_MAX = 50_000;
/** A cached token is verified again after this long even if its `exp` is later (a key may have been removed). */
export const BUYER_TOKEN_CACHE_TTL_MS_MAX = 60_000;
/** Longest token accepted: a JWT with a few claims is far shorter; a 1 MB header must not be parsed. */
export const BUYER_TOKEN_LENGTH_MAX = 8_192;
/** A buyer id is a `userId`: the same characters and length the hold body accepts. */
const BUYER_ID = /^[A-Za-z0-9_.:@+-]{1,64}$/;

export interface BuyerTokenRules {
  readonly issuer?: string;
  readonly audience?: string;
  readonly clockToleranceSeconds: number;
}

export type BuyerVerdict = Caller | 'invalid' | 'unavailable';

export class BuyerTokenVerifier {
  readonly #key: BuyerKey;
  readonly #rules: BuyerTokenRules;
  readonly #clock: () => number;
  readonly #cache = new LruCache<Caller>(BUYER_TOKEN_CACHE_ENTRIES_MAX);

  constructor(key: BuyerKey, rules: BuyerTokenRules, clock: () => number = Date.now) {
    this.#key = key;
    this.#rules = rules;
    this.#clock = clock;
  }

  /** The cached verdict of a token seen before, without awaiting anything (the hot path's map lookup). */
  cached(token: string): Caller | undefined {
    return this.#cache.get(token, this.#clock());
  }

  async verify(token: string): Promise<BuyerVerdict> {
    const hit = this.cached(token);
    if (hit !== undefined) return hit;
    if (token.length > BUYER_TOKEN_LENGTH_MAX) return 'invalid';
    try {
      const { payload } = await jwtVerify(token, this.#key.key as Parameters<typeof jwtVerify>[1], {
        algorithms: [...this.#key.algorithms],
        issuer: this.#rules.issuer,
        audience: this.#rules.audience,
        clockTolerance: this.#rules.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      const sub = payload.sub;
      if (typeof sub !== 'string' || !BUYER_ID.test(sub) || typeof payload.exp !== 'number') return 'invalid';
      const caller: Caller = { kind: 'buyer', buyerId: sub };
      const nowMs = this.#clock();
      const expiresMs = (payload.exp + this.#rules.clockToleranceSeconds) * 1000;
      this.#cache.set(token, caller, Math.min(expiresMs, nowMs + BUYER_TOKEN_CACHE_TTL_MS_MAX));
      return caller;
    } catch (error) {
      return this.#key.remote && keySetUnreachable(error) ? 'unavailable' : 'invalid';
    }
  }
}

/** A remote key set that timed out or could not be fetched, as opposed to a token that does not verify. */
function keySetUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  // fetch() failing (connection refused, DNS) is not one of jose's own errors.
  return error instanceof TypeError || (error instanceof Error && error.name === 'AbortError');
}
