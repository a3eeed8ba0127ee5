// Where buyer tokens' keys come from, and which algorithms each kind of key allows. Pinning the algorithm to
// the key closes the classic confusions: `alg: none`, and an HS256 token "signed" with a public key.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

/** A key-set fetch that takes longer fails (and the request answers 503): a slow JWKS must not hold requests. */
export const JWKS_TIMEOUT_MS = 3_000;
/**
 * After a fetch, an unknown `kid` refetches the set only after this long: tokens with made-up kids must not
 * turn into a flood of requests to the platform's key server. A rotation is picked up within this long.
 */
export const JWKS_COOLDOWN_MS = 10_000;
/** A fetched key set is used this long before it is fetched again even if every kid is known. */
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;

export interface BuyerKeySettings {
  /** HS256 shared secret. */
  readonly secret?: string;
  /** A public key in PEM (RS256, ES256 or EdDSA, from the key's type). */
  readonly publicKeyPem?: string;
  /** A remote JSON Web Key Set. */
  readonly jwksUrl?: string;
  /** Tests shorten the cooldown to see a rotation at once. */
  readonly jwksCooldownMs?: number;
}

export interface BuyerKey {
  readonly key: Uint8Array | KeyObject | JWTVerifyGetKey;
  readonly algorithms: readonly string[];
  readonly remote: boolean;
}

/** The key buyer tokens are verified with, or undefined when none is configured. */
export function buyerKeyOf(settings: BuyerKeySettings): BuyerKey | undefined {
  if (settings.secret !== undefined && settings.secret !== '')
    return { key: new TextEncoder().encode(settings.secret), algorithms: ['HS256'], remote: false };
  if (settings.publicKeyPem !== undefined && settings.publicKeyPem !== '') {
    const key = createPublicKey(settings.publicKeyPem);
    return { key, algorithms: [algorithmOf(key)], remote: false };
  }
  if (settings.jwksUrl !== undefined && settings.jwksUrl !== '') {
    const key = createRemoteJWKSet(new URL(settings.jwksUrl), {
      timeoutDuration: JWKS_TIMEOUT_MS,
      cooldownDuration: settings.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
      cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
    });
    return { key, algorithms: ['RS256', 'ES256', 'EdDSA', 'Ed25519'], remote: true };
  }
  return undefined;
}

/** The one algorithm a public key may verify; a key of another type is refused at start. */
export function algorithmOf(key: KeyObject): string {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`Buyer token public key of type ${type}: use an RSA, P-256 or Ed25519 key.`);
}
