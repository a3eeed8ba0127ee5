// Resolves `Authorization: Bearer <credential>` to a caller: the admin token, an API key (`box_...`), or a
// buyer token (a JWT). No header is the anonymous caller; a header that is given but proves nothing is a
// failure on every route, public ones included, so that a client learns at once that its credential is bad.
// Repeated credentials resolve without awaiting anything: the admin token by one digest comparison, keys
// and buyer tokens from their caches.
import { createHash, timingSafeEqual } from 'node:crypto';
import { looksLikeApiKey } from './api-key-secret.js';
import type { ApiKeyVerifier } from './api-key-verifier.js';
import type { BuyerTokenVerifier } from './buyer-token-verifier.js';
import { ANONYMOUS, type Caller } from './caller.js';

export interface AuthFailure {
  readonly code: 'unauthorized' | 'not_ready';
  readonly message: string;
}

const MALFORMED: AuthFailure = {
  code: 'unauthorized',
  message: 'Authorization must be "Bearer <credential>".',
};
const INVALID: AuthFailure = {
  code: 'unauthorized',
  message: 'The bearer credential is not valid, has expired or was revoked.',
};
const KEY_SET_DOWN: AuthFailure = {
  code: 'not_ready',
  message: 'The buyer token key set could not be fetched; retry.',
};
/** Longest header looked at: anything longer is no credential of ours, and is not hashed. */
const AUTHORIZATION_LENGTH_MAX = 16 * 1024;
const BEARER = 'Bearer ';
const ADMIN: Caller = Object.freeze({ kind: 'admin' });

export class Authenticator {
  readonly #adminDigest: Buffer;
  readonly #keys: ApiKeyVerifier;
  readonly #buyers: BuyerTokenVerifier | undefined;

  constructor(adminToken: string, keys: ApiKeyVerifier, buyers?: BuyerTokenVerifier) {
    this.#adminDigest = digest(adminToken);
    this.#keys = keys;
    this.#buyers = buyers;
  }

  /** The caller, at once when it is known, else a promise of it. */
  resolve(header: string | undefined): Caller | AuthFailure | Promise<Caller | AuthFailure> {
    if (header === undefined) return ANONYMOUS;
    if (!header.startsWith(BEARER) || header.length > AUTHORIZATION_LENGTH_MAX) return MALFORMED;
    const credential = header.slice(BEARER.length);
    if (credential === '') return MALFORMED;
    const cachedBuyer = this.#buyers?.cached(credential);
    if (cachedBuyer !== undefined) return cachedBuyer;
    if (timingSafeEqual(digest(credential), this.#adminDigest)) return ADMIN;
    if (looksLikeApiKey(credential)) return this.#keys.verify(credential).then((caller) => caller ?? INVALID);
    if (this.#buyers !== undefined && isCompactJwt(credential))
      return this.#buyers
        .verify(credential)
        .then((verdict) =>
          verdict === 'invalid' ? INVALID : verdict === 'unavailable' ? KEY_SET_DOWN : verdict,
        );
    return INVALID;
  }
}

export function isFailure(resolved: Caller | AuthFailure): resolved is AuthFailure {
  return 'code' in resolved;
}

function isCompactJwt(credential: string): boolean {
  const first = credential.indexOf('.');
  return first > 0 && credential.indexOf('.', first + 1) > first;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
