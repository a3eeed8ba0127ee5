// Integrity counters: per event, how many holds, orders and tickets the store has ever written, kept in the
// same statement (so the same transaction) as the rows. Holds, orders and tickets are never deleted, so at
// any commit count(*) of each table per event equals its counter; a table file that lost pages, or a
// table that came back empty, shows as a difference at the next start (integrity-check.ts).
//
// The embedded shape keeps them (SqlStore's `integrityCounters`). The distributed shape does not: several
// projector workers would queue on one counter row per event, and its check is the audit against the log.
// So the table is made here, for PGlite, and not by a migration that PostgreSQL would run too.
import type { SqlDriver, SqlExecutor } from '../sql-driver.js';
import type { IntegrityWitness } from './integrity-check.js';

const CREATE_AND_SEED = `
CREATE TABLE event_integrity (
  event_id text PRIMARY KEY,
  holds bigint NOT NULL DEFAULT 0,
  orders bigint NOT NULL DEFAULT 0,
  tickets bigint NOT NULL DEFAULT 0
);
INSERT INTO event_integrity (event_id, holds, orders, tickets)
SELECT e.id,
  (SELECT count(*) FROM holds WHERE event_id = e.id),
  (SELECT count(*) FROM orders WHERE event_id = e.id),
  (SELECT count(*) FROM tickets WHERE event_id = e.id)
FROM events e;`;

/**
 * Creates the counters of a store that has none: a new store, or one written before they existed, whose
 * counters then start from its contents as they are (trusted once, at this upgrade). Returns true when it
 * created them. A store whose counter table exists keeps it, however empty: emptiness is for the check.
 */
export async function ensureIntegrityCounters(driver: SqlDriver): Promise<boolean> {
  if (await hasIntegrityCounters(driver)) return false;
  await driver.exec(`BEGIN; ${CREATE_AND_SEED} COMMIT;`);
  return true;
}

/**
 * The projection's three writes (each an INSERT … ON CONFLICT of one JSON parameter, $1 to $3) as one
 * statement that also adds the rows they inserted to their events' counters. One statement, not three
 * plus three: PGlite pays per statement (docs/benchmarks.md, "Integrity counters").
 */
export function countedWrite(writes: { holds: string; orders: string; tickets: string }): string {
  // xmax = 0 tells a row this statement inserted from one ON CONFLICT DO UPDATE changed; DO NOTHING
  // returns inserted rows only. The tables have no foreign keys (002), so the order in which PostgreSQL runs
  // the three is free; a second ticket for a seat still fails the whole statement. Sorted by event:
  // transactions touching several counter rows lock them in one order.
  return `WITH h AS (${writes.holds} RETURNING event_id, (xmax = 0) AS inserted),
o AS (${writes.orders} RETURNING event_id),
t AS (${writes.tickets} RETURNING event_id),
written AS (
  SELECT event_id, 1 AS holds, 0 AS orders, 0 AS tickets FROM h WHERE inserted
  UNION ALL SELECT event_id, 0, 1, 0 FROM o
  UNION ALL SELECT event_id, 0, 0, 1 FROM t)
INSERT INTO event_integrity AS c (event_id, holds, orders, tickets)
SELECT event_id, sum(holds), sum(orders), sum(tickets) FROM written GROUP BY event_id ORDER BY event_id
ON CONFLICT (event_id) DO UPDATE
SET holds = c.holds + excluded.holds, orders = c.orders + excluded.orders, tickets = c.tickets + excluded.tickets`;
}

export async function hasIntegrityCounters(db: SqlExecutor): Promise<boolean> {
  const [found] = await db.query<{ present: boolean }>(
    "SELECT to_regclass('event_integrity') IS NOT NULL AS present",
  );
  return found?.present === true;
}

/** Wraps the INSERT of an event (RETURNING id) so that its counter row is created with it. */
export function countedEventInsert(insert: string): string {
  return `WITH created AS (${insert}),
counter AS (INSERT INTO event_integrity (event_id) SELECT id FROM created ON CONFLICT (event_id) DO NOTHING)
SELECT id FROM created`;
}

/** The counters as a witness of what the store must contain. */
export const countersWitness: IntegrityWitness = {
  name: 'integrity counters',
  async expectedCounts(db: SqlExecutor) {
    const rows = await db.query<{ event_id: string; holds: string; orders: string; tickets: string }>(
      'SELECT event_id, holds, orders, tickets FROM event_integrity',
    );
    return new Map(
      rows.map((row) => [
        row.event_id,
        { holds: Number(row.holds), orders: Number(row.orders), tickets: Number(row.tickets) },
      ]),
    );
  },
};
