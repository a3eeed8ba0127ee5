// The store's half of fencing the Redis gate's generations (epochs). A rebuild of an event's gate state
// first moves the event's epoch on in the store (an UPDATE of its row), then reads its snapshot. A
// projection batch reads the epochs of its events FOR SHARE in its own transaction: it waits for a rebuild
// that is moving the epoch, and a rebuild waits for batches that hold the share lock. So a batch either
// commits before the new epoch (and the snapshot shows it) or sees the new epoch and refuses the entries
// decided under an older one: a worker that held a batch through an outage cannot write it behind the
// snapshot the gate was rebuilt from (double booking, confirmed holds reading `held`).
import { isHoldEntry, type LogEntry, statusAfter } from '../domain/log-entry.js';
import type { SqlExecutor } from './sql-driver.js';

export interface FencedBatch {
  /** Entries of the current epoch (or carrying none): to be projected. */
  readonly current: readonly LogEntry[];
  /** Entries of an older epoch: never projected. */
  readonly stale: readonly LogEntry[];
}

/** Splits a batch by its events' epochs, holding a share lock on their rows until the transaction ends. */
export async function fence(tx: SqlExecutor, entries: readonly LogEntry[]): Promise<FencedBatch> {
  if (!entries.some((entry) => entry.epoch !== undefined)) return { current: entries, stale: [] };
  const eventIds = [...new Set(entries.map((entry) => entry.eventId))].sort();
  const rows = await tx.query<{ id: string; gate_epoch: string }>(
    'SELECT id, gate_epoch FROM events WHERE id = ANY($1::text[]) ORDER BY id FOR SHARE',
    [eventIds],
  );
  const epochs = new Map(rows.map((row) => [row.id, Number(row.gate_epoch)]));
  const current: LogEntry[] = [];
  const stale: LogEntry[] = [];
  for (const entry of entries) {
    const epoch = epochs.get(entry.eventId);
    if (entry.epoch !== undefined && epoch !== undefined && entry.epoch < epoch) stale.push(entry);
    else current.push(entry);
  }
  return { current, stale };
}

/**
 * Of stale entries, those whose effect the store does not show: decisions the rebuilt gate does not know,
 * lost with the Redis state they were made in. The others (the rebuild projected them from the log's tail
 * before it moved the epoch on) change nothing.
 */
export async function unreflected(tx: SqlExecutor, all: readonly LogEntry[]): Promise<LogEntry[]> {
  // A stale waitlist change is dropped: the rebuilt gate's waitlist is what stands (docs/waitlist.md).
  const stale = all.filter(isHoldEntry);
  if (stale.length === 0) return [];
  const ids = [...new Set(stale.map((entry) => entry.hold.id))];
  const rows = await tx.query<{ id: string; status: string }>(
    'SELECT id, status FROM holds WHERE id = ANY($1::text[])',
    [ids],
  );
  const stored = new Map(rows.map((row) => [row.id, row.status]));
  const cancelled = await cancelledOrdersOf(tx, stale);
  return stale.filter((entry) => {
    if (entry.type === 'order_cancelled') return !cancelled.has(entry.orderId);
    const status = stored.get(entry.hold.id);
    return entry.type === 'hold_placed' ? status === undefined : status !== statusAfter(entry);
  });
}

/** The orders the entries cancel that the store shows cancelled already. */
export async function cancelledOrdersOf(
  tx: SqlExecutor,
  entries: readonly LogEntry[],
): Promise<ReadonlySet<string>> {
  const ids = entries.flatMap((entry) => (entry.type === 'order_cancelled' ? [entry.orderId] : []));
  if (ids.length === 0) return new Set();
  const rows = await tx.query<{ id: string }>(
    "SELECT id FROM orders WHERE id = ANY($1::text[]) AND status = 'cancelled'",
    [ids],
  );
  return new Set(rows.map((row) => row.id));
}
