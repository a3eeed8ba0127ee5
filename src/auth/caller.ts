// Who is calling: resolved once per request from `Authorization: Bearer <credential>` (see authenticator.ts)
// and kept on the request, where guards, ownership checks and the rate limiter read it.

export type CallerKind = 'admin' | 'sales' | 'buyer' | 'anonymous';

export interface Caller {
  readonly kind: CallerKind;
  /** Buyer tokens: the token's `sub`, the only buyer this caller may act for. */
  readonly buyerId?: string;
  /** API keys: the key's id (never its secret), for limits and logs. */
  readonly keyId?: string;
}

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

/** `open`: any caller may name any buyer (local development). `verified`: buyers prove who they are. */
export type BuyerAuthMode = 'open' | 'verified';

/** Sales keys and admin credentials act for any buyer and read the private side. */
export function isStaff(caller: Caller): boolean {
  return caller.kind === 'admin' || caller.kind === 'sales';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authenticator's onRequest hook before any route runs. */
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** The route checks `Authorization` itself (e.g. /metrics with its own token). */
    ownCredentials?: boolean;
  }
}
