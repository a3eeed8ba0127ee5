// The start-up check of the embedded store: does it contain what it must? Per event, the rows each table
// really has (read by sequential scans, so that no index stands in for the table) are compared with what
// every witness says must be there, and the unique seat index is compared with the table it guards. A
// witness is any record kept apart from the rows: today the integrity counters (counters.ts); an
// append-only log can be added as a second one, with no change here.
import type { SqlDriver, SqlExecutor } from '../sql-driver.js';

export interface EventCounts {
  readonly holds: number;
  readonly orders: number;
  readonly tickets: number;
}

export interface IntegrityWitness {
  /** Named in the report: "0 holds, 432 expected by <name>". */
  readonly name: string;
  /** Per event id: what the store must contain. */
  expectedCounts(db: SqlExecutor): Promise<ReadonlyMap<string, EventCounts>>;
}

export interface Mismatch {
  readonly eventId: string;
  /** A count (holds, orders, tickets), `seat index`, or `event` (the event's row or witness is missing). */
  readonly what: string;
  readonly found: number | 'missing';
  readonly expected: number | 'missing';
  readonly witness: string;
}

export interface IntegrityVerdict {
  readonly events: readonly string[];
  readonly mismatches: readonly Mismatch[];
  /** The check could not read the store at all (a table or index file PostgreSQL cannot read). */
  readonly unreadable?: string;
}

/** The unique seat index, whose entries are counted against the table's own seat tickets. */
const SEAT_INDEX = 'tickets_one_per_seat';
const COUNTS = ['holds', 'orders', 'tickets'] as const;
const ZERO: EventCounts = { holds: 0, orders: 0, tickets: 0 };

export async function checkIntegrity(
  driver: SqlDriver,
  witnesses: readonly IntegrityWitness[],
): Promise<IntegrityVerdict> {
  try {
    return await driver.transaction((tx) => compare(tx, witnesses));
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    return { events: [], mismatches: [], unreadable: await withRelationName(driver, message) };
  }
}

/** PostgreSQL names a damaged file by its path (base/5/16409); the operator knows it as a table. */
async function withRelationName(driver: SqlDriver, message: string): Promise<string> {
  const fileNode = /base\/\d+\/(\d+)/.exec(message)?.[1];
  if (fileNode === undefined) return message;
  const rows = await driver
    .query<{ relname: string }>('SELECT relname FROM pg_class WHERE relfilenode = $1', [Number(fileNode)])
    .catch(() => []);
  return rows[0] === undefined ? message : `${rows[0].relname}: ${message}`;
}

export function isIntact(verdict: IntegrityVerdict): boolean {
  return verdict.unreadable === undefined && verdict.mismatches.length === 0;
}

async function compare(tx: SqlExecutor, witnesses: readonly IntegrityWitness[]): Promise<IntegrityVerdict> {
  await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  const { events, counts, seatTickets } = await tableCounts(tx);
  const seatIndex = await seatIndexCounts(tx);
  const mismatches: Mismatch[] = [];
  for (const witness of witnesses) {
    const expected = await witness.expectedCounts(tx);
    for (const eventId of new Set([...events, ...expected.keys()])) {
      const want = expected.get(eventId);
      if (want === undefined || !events.has(eventId)) {
        mismatches.push({
          eventId,
          what: 'event',
          found: events.has(eventId) ? 1 : 'missing',
          expected: want === undefined ? 'missing' : 1,
          witness: witness.name,
        });
        continue;
      }
      const have = counts.get(eventId) ?? ZERO;
      for (const what of COUNTS) {
        if (have[what] !== want[what])
          mismatches.push({ eventId, what, found: have[what], expected: want[what], witness: witness.name });
      }
    }
  }
  for (const eventId of new Set([...seatTickets.keys(), ...seatIndex.keys()])) {
    const inTable = seatTickets.get(eventId) ?? 0;
    const inIndex = seatIndex.get(eventId) ?? 0;
    if (inTable !== inIndex)
      mismatches.push({
        eventId,
        what: 'seat index',
        found: inIndex,
        expected: inTable,
        witness: 'tickets table',
      });
  }
  return { events: [...events].sort(), mismatches };
}

/** Rows per event in each table, by sequential scans only. */
async function tableCounts(tx: SqlExecutor) {
  await tx.query('SET LOCAL enable_indexscan = off');
  await tx.query('SET LOCAL enable_indexonlyscan = off');
  await tx.query('SET LOCAL enable_bitmapscan = off');
  const events = new Set((await tx.query<{ id: string }>('SELECT id FROM events')).map((row) => row.id));
  const counts = new Map<string, { holds: number; orders: number; tickets: number }>();
  for (const table of COUNTS) {
    for (const [eventId, count] of await countsBy(
      tx,
      `SELECT event_id, count(*) AS n FROM ${table} GROUP BY event_id`,
    )) {
      const entry = counts.get(eventId) ?? { ...ZERO };
      entry[table] = count;
      counts.set(eventId, entry);
    }
  }
  const seatTickets = await countsBy(tx, SEAT_TICKETS);
  return { events, counts, seatTickets };
}

// The index holds the seat tickets that are not void (008): the query matches its predicate to be read by it.
const SEAT_TICKETS =
  'SELECT event_id, count(*) AS n FROM tickets WHERE seat_id IS NOT NULL AND NOT voided GROUP BY event_id';

/** Seat tickets per event as the unique seat index has them: the same query, read through the index only. */
async function seatIndexCounts(tx: SqlExecutor): Promise<Map<string, number>> {
  await tx.query('SET LOCAL enable_seqscan = off');
  await tx.query('SET LOCAL enable_indexscan = on');
  await tx.query('SET LOCAL enable_indexonlyscan = on');
  const plan = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${SEAT_TICKETS}`);
  // Without this index in the plan the comparison would count the table against itself and prove nothing.
  if (!plan.some((row) => row['QUERY PLAN'].includes(SEAT_INDEX))) {
    throw new Error(`the integrity check could not read ${SEAT_INDEX}: the planner chose another path`);
  }
  return countsBy(tx, SEAT_TICKETS);
}

async function countsBy(tx: SqlExecutor, sql: string): Promise<Map<string, number>> {
  const rows = await tx.query<{ event_id: string; n: string | number }>(sql);
  return new Map(rows.map((row) => [row.event_id, Number(row.n)]));
}
