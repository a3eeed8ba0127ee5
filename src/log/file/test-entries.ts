// Log entries for the log's own tests: distinct, small, of a few events.
import type { LogEntry } from '../../domain/log-entry.js';

export function testEntry(n: number, eventId = `e${n % 3}`): LogEntry {
  const hold = {
    id: `h.${eventId}.${n}`,
    eventId,
    userId: `u${n}`,
    status: 'held' as const,
    items: [{ poolId: 'ga', quantity: 1, price: 100 }],
    total: 100,
    createdAtMs: n,
    expiresAtMs: n + 1000,
  };
  return { type: 'hold_placed', eventId, atMs: n, hold };
}
