// Whose fault is a failure inside the Redis gate: the one place that says so. Redis not answering becomes
// the stable 503 `gate_unavailable`; the store not answering (a rebuild reads it, see rebuild.ts, which marks
// those calls with fromStore) arrives here already as DomainError('store_unavailable'); a refusal of the
// domain passes as it is. Anything else (a script's own error, a bug, a store error that is not an outage)
// stays what it is: the error handler logs it and answers 500 `internal_error`.
import { DomainError } from '../../domain/errors.js';
import { type OutageRule, withOutageBoundary } from '../../domain/outage-boundary.js';
import { NETWORK_CODES } from '../../net/network-codes.js';
import type { Gate } from '../gate.js';

/** Replies of a Redis that is there but cannot serve right now (loading, failing over, busy script). */
const TRANSIENT_REPLIES = ['LOADING', 'CLUSTERDOWN', 'TRYAGAIN', 'MASTERDOWN', 'READONLY', 'BUSY'];
/** ioredis's own errors when a command could not reach Redis or got no answer. */
const CLIENT_ERROR_NAMES = new Set([
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  'AbortError',
  'InterruptError',
]);
const CLIENT_MESSAGES = [
  'Connection is closed',
  'Command timed out',
  "Stream isn't writeable",
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  'Too many Cluster redirections',
];

/** True for a failure to reach Redis or to get its answer; false for anything else. */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof DomainError) return false;
  if (error.name === 'ReplyError')
    return TRANSIENT_REPLIES.some((prefix) => error.message.startsWith(prefix));
  if (CLIENT_ERROR_NAMES.has(error.name)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return CLIENT_MESSAGES.some((text) => error.message.includes(text));
}

/** How Redis not answering is said: DomainError('gate_unavailable'), the same way as the store's outages. */
export const GATE_OUTAGE: OutageRule = {
  isOutage: isUnreachable,
  code: 'gate_unavailable',
  message: (error) => `Redis did not answer: ${(error as Error).message}. Retry.`,
};

/** The same gate, with unreachable-Redis failures thrown as DomainError('gate_unavailable'). */
export function withUnavailableErrors<G extends Gate>(gate: G): G {
  return withOutageBoundary(gate, GATE_OUTAGE);
}
