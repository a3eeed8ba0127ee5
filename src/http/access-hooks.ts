// The HTTP side of access: the onRequest hook that resolves `request.caller` once per request, the route
// guards (who may call a route), and the ownership rule of holds, orders and tickets. Routes state who may
// call them with these, and the same names appear in the OpenAPI document (SECURITY).
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import type { Access } from '../auth/access.js';
import { type AuthFailure, isFailure } from '../auth/authenticator.js';
import { ANONYMOUS, type BuyerAuthMode, type Caller, isStaff } from '../auth/caller.js';
import { sendError } from './error-handler.js';

/** OpenAPI `security` of each kind of route; `{}` marks a route that also answers without a credential. */
type Requirement = Readonly<Record<string, readonly string[]>>;

export const SECURITY: Readonly<Record<'admin' | 'staff' | 'buyer' | 'actor', readonly Requirement[]>> = {
  admin: [{ admin: [] }],
  staff: [{ admin: [] }, { sales: [] }],
  buyer: [{ buyer: [] }],
  /** Placements and hold/order/ticket routes: a credential in `verified` mode, none needed in `open` mode. */
  actor: [{ buyer: [] }, { sales: [] }, { admin: [] }, {}],
};

export const SECURITY_SCHEMES = {
  admin: {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin token (BOXOFFICE_ADMIN_TOKEN) or an API key with role `admin`.',
  },
  sales: {
    type: 'http',
    scheme: 'bearer',
    description: "An API key with role `sales`: a platform's backend, acting for any buyer.",
  },
  buyer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A buyer token signed by the platform; the buyer is its `sub`.',
  },
} as const;

export function installCallerResolution(app: FastifyInstance, access: Access): void {
  app.decorateRequest('caller', null as unknown as Caller);
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config?.ownCredentials === true) {
      request.caller = ANONYMOUS;
      return done();
    }
    const resolved = access.authenticator.resolve(request.headers.authorization);
    if (!(resolved instanceof Promise)) return settle(request, reply, done, resolved);
    resolved.then((value) => settle(request, reply, done, value), done);
  });
}

function settle(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  resolved: Caller | AuthFailure,
): void {
  if (isFailure(resolved)) {
    sendError(reply, resolved.code, resolved.message);
    return;
  }
  request.caller = resolved;
  done();
}

function guard(allowed: (caller: Caller) => boolean, needed: string): onRequestHookHandler {
  return (request, reply, done) => {
    if (allowed(request.caller)) return done();
    if (request.caller.kind === 'anonymous') sendError(reply, 'unauthorized', `${needed} is required.`);
    else sendError(reply, 'forbidden', `This route needs ${needed.toLowerCase()}.`);
  };
}

/** Events, API keys, operations. */
export const requireAdmin = guard(
  (caller) => caller.kind === 'admin',
  'An admin credential (the admin token or an API key with role admin)',
);
/** The private read side: buyer lists, revenue, the audit. */
export const requireStaff = guard(isStaff, 'A sales or admin credential');
/** The buyer's own lists. */
export const requireBuyer = guard((caller) => caller.kind === 'buyer', 'A buyer token');

const requireAnyCredential = guard(
  (caller) => caller.kind !== 'anonymous',
  'A buyer token, a sales API key or an admin credential',
);
const noCheck: onRequestHookHandler = (_request, _reply, done) => done();

/** Placements and hold/order/ticket routes: anyone in `open` mode, a credential in `verified` mode. */
export function requireActor(mode: BuyerAuthMode): onRequestHookHandler {
  return mode === 'verified' ? requireAnyCredential : noCheck;
}

/** A buyer token places for its own buyer only (in both modes: a token given is a token honoured). */
export const buyerMustMatch: preHandlerHookHandler = (request, reply, done) => {
  const { caller } = request;
  const userId = (request.body as { userId?: unknown } | undefined)?.userId;
  if (caller.kind === 'buyer' && userId !== caller.buyerId) {
    sendError(reply, 'buyer_mismatch');
    return;
  }
  done();
};

/**
 * The buyer a buyer-scoped request (waitlist, waiting room) acts as: a buyer token's own buyer, or the `userId`
 * it names. Undefined after answering the request: a token naming another buyer (buyer_mismatch) or nobody
 * named at all (invalid_request).
 */
export function buyerActingAs(
  request: FastifyRequest,
  reply: FastifyReply,
  named: string | undefined,
): string | undefined {
  const { caller } = request;
  if (caller.kind === 'buyer') {
    if (named === undefined || named === caller.buyerId) return caller.buyerId;
    sendError(reply, 'buyer_mismatch');
    return undefined;
  }
  if (named === undefined)
    sendError(reply, 'invalid_request', 'Name the buyer with userId, or call with a buyer token.');
  return named;
}

/**
 * May this caller see or act on what belongs to `userId`? Anyone in `open` mode; in `verified` mode the buyer
 * itself, sales and admin. A caller who may not is answered exactly as if the thing did not exist.
 */
export function mayActFor(mode: BuyerAuthMode, caller: Caller, userId: string): boolean {
  return mode === 'open' || isStaff(caller) || (caller.kind === 'buyer' && caller.buyerId === userId);
}

/** Whether the owner of a hold must be looked up before acting on it (a buyer in `verified` mode). */
export function mustCheckOwner(mode: BuyerAuthMode, caller: Caller): boolean {
  return mode === 'verified' && !isStaff(caller);
}
