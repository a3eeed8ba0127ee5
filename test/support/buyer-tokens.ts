// Buyer tokens for tests, signed the way a platform's backend signs them (jose), and the access settings of a
// `verified` server that accepts them.
import { SignJWT } from 'jose';
import type { AccessSettings } from '../../src/auth/access.js';

export const BUYER_SECRET = 'test-buyer-token-secret-0123456789abcdef';
export const ISSUER = 'https://platform.test';
export const AUDIENCE = 'boxoffice';
export const METRICS_TOKEN = 'test-metrics-token-0123456789';

export const VERIFIED: AccessSettings = {
  buyerAuth: 'verified',
  buyerKey: { secret: BUYER_SECRET },
  buyerTokenRules: { issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 0 },
  metricsToken: METRICS_TOKEN,
};

export interface TokenOptions {
  readonly secret?: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative: already expired. */
  readonly expiresInSeconds?: number;
  readonly withoutExp?: boolean;
}

/** An HS256 buyer token for `sub`, valid for ten minutes unless told otherwise. */
export async function buyerToken(sub: string, options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt();
  if (options.withoutExp !== true)
    jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 600));
  return jwt.sign(new TextEncoder().encode(options.secret ?? BUYER_SECRET));
}

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken(sub: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const nowSeconds = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub, iss: ISSUER, aud: AUDIENCE, exp: nowSeconds + 600 })}.`;
}

export function bearer(credential: string): { authorization: string } {
  return { authorization: `Bearer ${credential}` };
}
