// API keys as the admin routes manage them: minted here (the secret leaves in the one answer, the store keeps
// its hash), listed without secrets, revoked. Telling the other instances of a revocation is Access's job.
import { mintApiKey } from '../auth/api-key-secret.js';
import type { ApiKey, ApiKeyRole } from '../domain/api-key.js';
import type { Page, Store } from '../store/store.js';

export interface ApiKeysDeps {
  readonly store: Pick<Store, 'createApiKey' | 'listApiKeys' | 'revokeApiKey'>;
  readonly clock?: () => number;
}

export class ApiKeys {
  readonly #store: ApiKeysDeps['store'];
  readonly #clock: () => number;

  constructor(deps: ApiKeysDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock ?? Date.now;
  }

  /** The stored key, and its credential: shown once, never stored. */
  async create(name: string, role: ApiKeyRole): Promise<{ key: ApiKey; credential: string }> {
    const minted = mintApiKey();
    const key: ApiKey = {
      id: minted.id,
      name,
      role,
      secretSha256: minted.secretSha256,
      createdAtMs: this.#clock(),
    };
    await this.#store.createApiKey(key);
    return { key, credential: minted.credential };
  }

  list(limit: number, cursor?: string): Promise<Page<ApiKey>> {
    return this.#store.listApiKeys(limit, cursor);
  }

  /** undefined when there is no such key; revoking twice keeps the first time. */
  revoke(keyId: string): Promise<ApiKey | undefined> {
    return this.#store.revokeApiKey(keyId, this.#clock());
  }
}
