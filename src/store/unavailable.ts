// Whether a store error means "the store is not there right now" (answered 503 store_unavailable, retry)
// rather than a bug (500): the connection failed or broke, or PostgreSQL is shutting down, starting,
// out of resources or refusing writes.

import { asDomainOutage, type OutageRule, withOutageBoundary } from '../domain/outage-boundary.js';
import { NETWORK_CODES } from '../net/network-codes.js';

/** SQLSTATE classes of an unavailable server: 08 connection, 53 resources, 57 operator intervention. */
const OUTAGE_CLASSES = new Set(['08', '53', '57']);
/** Read-only transaction (a replica, or default_transaction_read_only during maintenance). */
const READ_ONLY = '25006';
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
];

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return OUTAGE_CLASSES.has(code.slice(0, 2)) || code === READ_ONLY;
    if (NETWORK_CODES.has(code)) return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isStoreUnavailable);
  return CONNECTION_MESSAGES.some((text) => error.message.includes(text));
}

/** How a store outage is said: DomainError('store_unavailable'), whatever the engine's error was. */
export const STORE_OUTAGE: OutageRule = {
  isOutage: isStoreUnavailable,
  code: 'store_unavailable',
  message: () => 'The store did not answer. Retry.',
};

/**
 * The store (or any part that talks to its database: the webhook endpoints) as the request side sees it:
 * outages thrown as DomainError('store_unavailable'), as the Redis gate's are as gate_unavailable. The
 * projector keeps the bare store: it tells an entry's fault from an outage by the SQLSTATE.
 */
export function withStoreOutages<S extends object>(store: S): S {
  return withOutageBoundary(store, STORE_OUTAGE);
}

/**
 * A store call made on behalf of another part (the Redis gate's rebuild): an outage of the store becomes
 * DomainError('store_unavailable') right here, where its source is known, so that it is never reported as
 * the other part's fault. Other errors stay what they are.
 */
export async function fromStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asDomainOutage(error, STORE_OUTAGE);
  }
}
