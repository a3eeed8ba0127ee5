// Checks API keys against the store, through a bounded cache so that a repeated key costs a map lookup and
// one digest. Revocation reaches every instance within KEY_CACHE_TTL_MS even if a revocation message is lost
// (a cached key is looked up again after that long); the message itself (Redis pub/sub in the distributed
// shape, a direct call in the embedded one) makes it immediate.
import type { ApiKey } from '../domain/api-key.js';
import { apiKeyIdOf, secretMatches } from './api-key-secret.js';
import type { Caller } from './caller.js';
import { LruCache } from './lru-cache.js';

/** How long a looked-up key (or its absence) is trusted: the bound on revocation across instances (≤ 2 s). */
export const KEY_CACHE_TTL_MS = 1_000;
/** Distinct keys cached at once; a platform has a handful, made-up ids must not grow memory. */
export const KEY_CACHE_ENTRIES_MAX = 10_000;

export interface ApiKeySource {
  getApiKey(id: string): Promise<ApiKey | undefined>;
}

export class ApiKeyVerifier {
  readonly #source: ApiKeySource;
  readonly #clock: () => number;
  /** id → the key as stored, or null when the store has none. */
  readonly #cache = new LruCache<ApiKey | null>(KEY_CACHE_ENTRIES_MAX);

  constructor(source: ApiKeySource, clock: () => number = Date.now) {
    this.#source = source;
    this.#clock = clock;
  }

  /** The caller of a credential shaped like an API key, or undefined when it is not a live key. */
  async verify(credential: string): Promise<Caller | undefined> {
    const id = apiKeyIdOf(credential);
    if (id === undefined) return undefined;
    const nowMs = this.#clock();
    let key = this.#cache.get(id, nowMs);
    if (key === undefined) {
      key = (await this.#source.getApiKey(id)) ?? null;
      this.#cache.set(id, key, nowMs + KEY_CACHE_TTL_MS);
    }
    if (key === null || key.revokedAtMs !== undefined || !secretMatches(credential, key.secretSha256))
      return undefined;
    return { kind: key.role, keyId: key.id };
  }

  /** A key was revoked (here or on another instance): forget it now. */
  forget(id: string): void {
    this.#cache.delete(id);
  }

  /** Revocation messages may have been missed (a reconnect): forget everything. */
  forgetAll(): void {
    this.#cache.clear();
  }
}
