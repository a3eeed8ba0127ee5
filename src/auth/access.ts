// Access assembled from its settings: who may call (the authenticator), whether buyers must prove who they
// are (the mode), and how revocations travel. The app builds one per instance.
import { type ApiKeySource, ApiKeyVerifier } from './api-key-verifier.js';
import { Authenticator } from './authenticator.js';
import { type BuyerKeySettings, buyerKeyOf } from './buyer-key.js';
import { type BuyerTokenRules, BuyerTokenVerifier } from './buyer-token-verifier.js';
import type { BuyerAuthMode } from './caller.js';
import { localRevocations, type Revocations } from './revocations.js';

export interface AccessSettings {
  readonly buyerAuth: BuyerAuthMode;
  readonly buyerKey?: BuyerKeySettings;
  readonly buyerTokenRules?: Partial<BuyerTokenRules>;
  /** When set, `/metrics` needs `Authorization: Bearer <this>`. */
  readonly metricsToken?: string;
}

/** Local development: the behaviour of a server on a loopback address with nothing configured. */
export const OPEN_ACCESS: AccessSettings = Object.freeze({ buyerAuth: 'open' });
/** Tolerance for clocks of the platform and of boxoffice that disagree a little. */
export const CLOCK_TOLERANCE_SECONDS_DEFAULT = 5;

export class Access {
  readonly mode: BuyerAuthMode;
  readonly authenticator: Authenticator;
  readonly metricsToken: string | undefined;
  readonly #keys: ApiKeyVerifier;
  readonly #revocations: Revocations;

  constructor(
    settings: AccessSettings,
    adminToken: string,
    keySource: ApiKeySource,
    revocations: Revocations = localRevocations,
  ) {
    this.mode = settings.buyerAuth;
    this.metricsToken = settings.metricsToken || undefined;
    this.#keys = new ApiKeyVerifier(keySource);
    this.#revocations = revocations;
    revocations.listen(this.#keys);
    const buyerKey = buyerKeyOf(settings.buyerKey ?? {});
    const rules: BuyerTokenRules = {
      issuer: settings.buyerTokenRules?.issuer || undefined,
      audience: settings.buyerTokenRules?.audience || undefined,
      clockToleranceSeconds:
        settings.buyerTokenRules?.clockToleranceSeconds ?? CLOCK_TOLERANCE_SECONDS_DEFAULT,
    };
    const buyers = buyerKey === undefined ? undefined : new BuyerTokenVerifier(buyerKey, rules);
    this.authenticator = new Authenticator(adminToken, this.#keys, buyers);
  }

  /** A key was revoked in the store: stop accepting it here now, and tell the other instances. */
  async revoked(keyId: string): Promise<void> {
    this.#keys.forget(keyId);
    await this.#revocations.announce(keyId);
  }

  close(): void {
    this.#revocations.close();
  }
}
