// Node's error codes of a peer that could not be reached or went away mid-call: the same for Redis and
// PostgreSQL, so both outage classifiers (gate/redis/unavailable.ts, store/unavailable.ts) share them.
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
