// Projects the waitlist's changes into waitlist_entries (sql/migrations/012-waitlist.sql): a join inserts
// the entry; a leave, or the offer that served it, ends it. Commutative and idempotent like the projection
// of holds: every entry carries the whole waitlist entry, so whichever arrives first inserts the row, and an
// ended row never changes again.
import type { LogEntry } from '../domain/log-entry.js';
import type { WaitlistEntry } from '../domain/waitlist.js';
import type { SqlExecutor } from './sql-driver.js';

const UPSERT_WAITLIST = `
INSERT INTO waitlist_entries (id, event_id, user_id, quantity, pool_id, section_id, joined_at_ms, seq, ended,
                              ended_at_ms)
SELECT id, event_id, user_id, quantity, pool_id, section_id, joined_at_ms, seq, ended, ended_at_ms
FROM jsonb_to_recordset($1::jsonb) AS b(id text, event_id text, user_id text, quantity integer, pool_id text,
     section_id text, joined_at_ms bigint, seq bigint, ended text, ended_at_ms bigint)
ON CONFLICT (id) DO UPDATE SET ended = excluded.ended, ended_at_ms = excluded.ended_at_ms
WHERE waitlist_entries.ended IS NULL AND excluded.ended IS NOT NULL`;

interface WaitlistRow {
  id: string;
  event_id: string;
  user_id: string;
  quantity: number;
  pool_id: string | null;
  section_id: string | null;
  joined_at_ms: number;
  seq: number;
  ended: 'left' | 'offered' | null;
  ended_at_ms: number | null;
}

export async function projectWaitlist(tx: SqlExecutor, entries: readonly LogEntry[]): Promise<void> {
  const rows = new Map<string, WaitlistRow>();
  for (const entry of entries) {
    if (entry.type === 'waitlist_joined') rowOf(rows, entry.entry);
    else if (entry.type === 'waitlist_left') end(rowOf(rows, entry.entry), 'left', entry.atMs);
    else if (entry.type === 'hold_placed' && entry.offer !== undefined)
      end(rowOf(rows, entry.offer), 'offered', entry.atMs);
  }
  if (rows.size === 0) return;
  // Sorted by id, as the holds are: concurrent batches take row locks in one order.
  const sorted = [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await tx.query(UPSERT_WAITLIST, [JSON.stringify(sorted)]);
}

function rowOf(rows: Map<string, WaitlistRow>, entry: WaitlistEntry): WaitlistRow {
  let row = rows.get(entry.id);
  if (row === undefined) {
    row = {
      id: entry.id,
      event_id: entry.eventId,
      user_id: entry.userId,
      quantity: entry.quantity,
      pool_id: entry.poolId ?? null,
      section_id: entry.sectionId ?? null,
      joined_at_ms: entry.joinedAtMs,
      seq: entry.seq,
      ended: null,
      ended_at_ms: null,
    };
    rows.set(entry.id, row);
  }
  return row;
}

/** The first ending in the batch wins, as the first committed one wins in the table. */
function end(row: WaitlistRow, how: 'left' | 'offered', atMs: number): void {
  if (row.ended !== null) return;
  row.ended = how;
  row.ended_at_ms = atMs;
}

/** The entries still in line, in order of joining (what a memory gate restores at start). */
export async function waitingEntries(tx: SqlExecutor, eventId: string): Promise<WaitlistEntry[]> {
  const rows = await tx.query<WaitlistRow>(
    `SELECT id, event_id, user_id, quantity, pool_id, section_id, joined_at_ms, seq FROM waitlist_entries
     WHERE ended IS NULL AND ($1 = '' OR event_id = $1) ORDER BY event_id, seq`,
    [eventId],
  );
  return rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    userId: row.user_id,
    quantity: Number(row.quantity),
    ...(row.pool_id !== null ? { poolId: row.pool_id } : { sectionId: row.section_id as string }),
    joinedAtMs: Number(row.joined_at_ms),
    seq: Number(row.seq),
  }));
}
