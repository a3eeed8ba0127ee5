// Whether a store error means "the store is not there right now" (answered 503 store_unavailable, retry)
// rather than a bug (500): the connection failed or broke, or PostgreSQL is shutting down, starting,
// out of resources or refusing writes.

/** SQLSTATE classes of an unavailable server: 08 connection, 53 resources, 57 operator intervention. */
const OUTAGE_CLASSES = new Set(['08', '53', '57']);
/** Read-only transaction (a replica, or default_transaction_read_only during maintenance). */
const READ_ONLY = '25006';
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
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
