// `boxoffice reconcile [eventId]`: rebuilds the Redis gate state of one event, or of every event, from the
// store plus the unprojected tail of its log, and prints the audit before and after. With --check it only
// reports. Exit 0 when every audited event is consistent afterwards, 1 otherwise, 2 on bad usage.
// In the embedded shape only --check exists: the store's integrity check (check-embedded-store.ts).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { assembleReconcile } from '../distributed.js';
import { type AuditReport, auditStream } from '../service/audit.js';
import type { SqlStore } from '../store/sql-store.js';
import { checkEmbeddedStore, EMBEDDED_REPAIR_UNAVAILABLE } from './check-embedded-store.js';

const USAGE = `Usage: boxoffice reconcile [eventId] [--check]

Distributed shape (REDIS_URL or REDIS_CLUSTER_NODES, and DATABASE_URL, or the same flags as serve).
Rebuilds each event's gate state in Redis from PostgreSQL plus the log entries not yet projected, and
prints the audit before and after. The event's sales pause for the moment of the reload. A rebuild starts
a new gate epoch (batches of older ones are refused by the store) and lifts the stop of an event whose
state Redis lost (event_needs_reconcile): what Redis lost with it is not brought back.
  --check   only audit; change nothing
Exit status: 0 consistent, 1 an event is inconsistent afterwards, 2 bad usage or configuration.

Embedded shape (BOXOFFICE_DATA_DIR or --data-dir; the server must be stopped): --check runs the store's
integrity check (the one every start runs) and prints one line per event. Exit status: 0 intact,
1 damaged (restore the data directory from a backup), 2 bad usage or without --check.
`;

export async function runReconcile(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        check: { type: 'boolean' },
        'redis-url': { type: 'string' },
        'redis-cluster-nodes': { type: 'string' },
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, parsed.values as Record<string, string | undefined>);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (config.shape !== 'distributed') {
    if (!parsed.values.check) {
      process.stderr.write(EMBEDDED_REPAIR_UNAVAILABLE);
      return 2;
    }
    return checkEmbeddedStore(resolve(config.dataDir));
  }
  const { gate, store, close } = await assembleReconcile(config);
  try {
    const eventIds = parsed.positionals.length > 0 ? parsed.positionals : await allEvents(store);
    let consistent = true;
    for (const eventId of eventIds) {
      const before = await auditStream(eventId, gate, store).catch(() => undefined);
      if (parsed.values.check) {
        print(eventId, 'audit', before);
        consistent &&= before?.consistent === true;
        continue;
      }
      const result = await gate.rebuild(eventId, true);
      if (result === 'unknown') {
        process.stdout.write(`${eventId}: no such event in the store\n`);
        consistent = false;
        continue;
      }
      const after = await auditStream(eventId, gate, store);
      print(eventId, 'before', before);
      print(eventId, 'after', after);
      consistent &&= after?.consistent === true;
    }
    return consistent ? 0 : 1;
  } finally {
    await close();
  }
}

async function allEvents(store: SqlStore): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listEvents(500, cursor);
    ids.push(...page.items.map((spec) => spec.id));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return ids;
}

function print(eventId: string, label: string, report: AuditReport | undefined): void {
  if (report === undefined) {
    process.stdout.write(`${eventId} ${label}: gate has no state for this event\n`);
    return;
  }
  const {
    gate,
    store,
    unprojected,
    deadLetters,
    drift,
    counterDrift,
    oversold,
    doubleBooked,
    phantom,
    consistent,
  } = report;
  const lost = report.gateLost === undefined ? '' : ` | gate lost: ${report.gateLost}`;
  process.stdout.write(
    `${eventId} ${label}: gate sold ${gate.sold} held ${gate.held} available ${gate.available} | store tickets ${store.tickets} held ${store.held} | unprojected ${unprojected} dead letters ${deadLetters} | drift sold ${drift.sold} held ${drift.held}${counterDrift === 0 ? '' : ` counter ${counterDrift}`} | oversold ${oversold} double-booked ${doubleBooked} phantom ${phantom}${lost} | ${consistent ? 'consistent' : 'INCONSISTENT'}\n`,
  );
}
