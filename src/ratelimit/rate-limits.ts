// The rate limiter of the API, installed by buildApp before any route: every route is counted per client
// address, placements (holds and orders) also per buyer, and a sales or admin API key per key instead (a
// backend speaks for many buyers from few addresses). A request over a limit is answered 429 rate_limited
// before its handler runs, so it never reaches the gate. Limited routes carry RateLimit-Policy and
// RateLimit on every answer (headers.ts).
//
// The check runs at preValidation: after the body is parsed (the buyer is in it, and the caller's
// credential has been read by then), before validation, so that invalid requests count too. A body that
// is not even JSON is refused by the parser before this point and is not counted: it costs the parser,
// never the gate.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ID_LENGTH_MAX } from '../domain/limits.js';
import { sendError } from '../http/error-handler.js';
import { errorBody } from '../http/schemas.js';
import type { Quota, RateCounter, Take, Verdict } from './counter.js';
import { policyItem, rateLimitField, retryAfterSeconds } from './headers.js';
import type { RateLimit } from './limit-spec.js';

export interface RateLimitSettings {
  readonly perIp?: RateLimit;
  readonly perBuyer?: RateLimit;
  readonly perKey?: RateLimit;
}

/**
 * Who is calling: the seam to the credentials of the caller (tests may pass their own). By default the
 * buyer is the verified caller's (a buyer token's `sub`), else the body's `userId`; a sales or admin API key
 * is counted under its id, and the admin token under one shared name.
 */
export interface CallerIdentity {
  /** The buyer a placement is for; undefined when none can be told. */
  readonly buyerOf?: (request: FastifyRequest) => string | undefined;
  /** The id of the sales or admin key the request carries; undefined for anyone else. */
  readonly backendKeyOf?: (request: FastifyRequest) => string | undefined;
}

export interface RateLimitOptions extends RateLimitSettings, CallerIdentity {
  readonly counter: RateCounter;
  /** Told when the counter fails; the request then goes through (see failOpen). */
  readonly onCounterError?: (error: unknown) => void;
}

/** Probes and scrapes must reach a process even while a flood is refused; they cost next to nothing. */
const UNLIMITED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const PLACEMENTS = new Set(['/v1/events/:eventId/holds', '/v1/events/:eventId/orders']);

/** The unvalidated body's userId, when it can be one (the schema refuses it later otherwise). */
export function bodyUserId(request: FastifyRequest): string | undefined {
  const userId = (request.body as { userId?: unknown } | undefined)?.userId;
  return typeof userId === 'string' && userId.length <= ID_LENGTH_MAX ? userId : undefined;
}

/** The buyer a placement counts against: a buyer token's `sub`, else the body's `userId`. */
export function callerBuyerOf(request: FastifyRequest): string | undefined {
  return request.caller?.buyerId ?? bodyUserId(request);
}

/** Backends are counted per key, not per address or buyer: they speak for many buyers. */
export function callerBackendKeyOf(request: FastifyRequest): string | undefined {
  const caller = request.caller;
  if (caller === undefined || (caller.kind !== 'sales' && caller.kind !== 'admin')) return undefined;
  return caller.keyId ?? 'admin-token';
}

const RATE_LIMITED_RESPONSE = {
  description:
    'Too many requests (`rate_limited`): wait `Retry-After` seconds. Nothing was changed. Limited routes carry `RateLimit-Policy` and `RateLimit` on every answer.',
  headers: {
    'Retry-After': { type: 'integer', description: 'seconds until the exhausted quota has a new window' },
    'RateLimit-Policy': { type: 'string', description: 'the quotas counted, e.g. `"ip";q=1200;w=60`' },
    RateLimit: { type: 'string', description: 'what is left of each, e.g. `"ip";r=0;t=42`' },
  },
  type: 'object',
  properties: errorBody.properties,
} as const;

export function installRateLimits(app: FastifyInstance, options: RateLimitOptions): void {
  const quota = (kind: Quota['kind'], limit: RateLimit | undefined): Quota | undefined =>
    limit === undefined ? undefined : { kind, limit };
  const ip = quota('ip', options.perIp);
  const buyer = quota('buyer', options.perBuyer);
  const key = quota('key', options.perKey);
  if (ip === undefined && buyer === undefined && key === undefined) return;
  const limiter = new Limiter(options, { ip, buyer, key });
  app.addHook('onRoute', (route) => {
    if (UNLIMITED_PATHS.has(route.url)) return;
    const placement = PLACEMENTS.has(route.url) && route.method === 'POST';
    if (ip === undefined && key === undefined && !placement) return;
    const check = placement ? limiter.placement : limiter.plain;
    route.preValidation = [...[route.preValidation ?? []].flat(), check];
    documentRefusal(route);
  });
}

function documentRefusal(route: RouteOptions): void {
  const response = route.schema?.response as Record<number, unknown> | undefined;
  if (response !== undefined) response[429] = RATE_LIMITED_RESPONSE;
}

/** A preValidation hook in callback style: Fastify then calls no async function per request. */
type Check = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;

/** The two checks, made once; each request costs a counter call and two header values. */
class Limiter {
  readonly placement: Check;
  readonly plain: Check;

  constructor(options: RateLimitOptions, quotas: { ip?: Quota; buyer?: Quota; key?: Quota }) {
    const buyerOf = options.buyerOf ?? callerBuyerOf;
    const backendKeyOf = options.backendKeyOf ?? callerBackendKeyOf;
    const { ip, buyer, key } = quotas;
    const { counter } = options;
    const policies = new Map<Quota, string>();
    for (const quota of [ip, buyer, key]) if (quota !== undefined) policies.set(quota, policyItem(quota));
    const takesOf = (request: FastifyRequest, placement: boolean): Take[] => {
      const keyId = backendKeyOf(request);
      if (keyId !== undefined) return key === undefined ? [] : [{ quota: key, who: keyId }];
      const takes: Take[] = ip === undefined ? [] : [{ quota: ip, who: request.ip }];
      const buyerId = placement && buyer !== undefined ? buyerOf(request) : undefined;
      if (buyerId !== undefined) takes.push({ quota: buyer as Quota, who: buyerId });
      return takes;
    };
    // Fail open: a counter that cannot be reached (Redis) must not take reads and sales down with it; the
    // gate answers for itself.
    const failOpen = (error: unknown, done: () => void) => {
      options.onCounterError?.(error);
      done();
    };
    const answer = (takes: Take[], verdict: Verdict, reply: FastifyReply, done: () => void) => {
      reply.header('RateLimit-Policy', takes.map((take) => policies.get(take.quota)).join(', '));
      reply.header('RateLimit', rateLimitField(takes, verdict));
      if (verdict.allowed) return done();
      reply.header('Retry-After', String(retryAfterSeconds(verdict)));
      sendError(reply, 'rate_limited');
    };
    const check =
      (placement: boolean): Check =>
      (request, reply, done) => {
        const takes = takesOf(request, placement);
        if (takes.length === 0) return done();
        if (counter.takeNow !== undefined) {
          let verdict: Verdict;
          try {
            verdict = counter.takeNow(takes);
          } catch (error) {
            return failOpen(error, done);
          }
          return answer(takes, verdict, reply, done);
        }
        counter.take(takes).then(
          (verdict) => answer(takes, verdict, reply, done),
          (error: unknown) => failOpen(error, done),
        );
      };
    this.placement = check(true);
    this.plain = check(false);
  }
}
