// What the embedded store's integrity work costs, printed as figures (docs/benchmarks.md):
//   node dist/tools/bench/integrity-cost.js [--tickets 100000] [--rounds 60] [--batch 256]
// 1. Per group-commit batch: the projection with and without the integrity counters, on two fresh stores,
//    in alternating order so that a noisy neighbour slows both alike. A batch is `--batch` entries of
//    book-now sales (a hold placed and confirmed in one batch, two tickets each: a seat and a pool unit).
// 2. At start: the integrity check (and, for scale, the snapshot load every start already does) on a store
//    of `--tickets` tickets, reopened as a restarted server would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newHoldId } from '../../src/domain/ids.js';
import type { LogEntry } from '../../src/domain/log-entry.js';
import { orderOf } from '../../src/domain/order.js';
import type { EventSpec, Hold } from '../../src/domain/types.js';
import { countersWitness, ensureIntegrityCounters } from '../../src/store/integrity/counters.js';
import { checkIntegrity, isIntact } from '../../src/store/integrity/integrity-check.js';
import { migrate } from '../../src/store/migrate.js';
import { PgliteDriver } from '../../src/store/pglite/pglite-driver.js';
import { SqlStore } from '../../src/store/sql-store.js';

/** Entries per batch while filling the large store: the group commit's own ceiling is 2,000. */
const FILL_BATCH_ENTRIES = 1_000;

const EVENT: EventSpec = {
  id: 'integrity-bench',
  name: 'Integrity bench',
  venue: 'Bench',
  startsAt: '2027-01-01T20:00:00Z',
  holdTtlSeconds: 300,
  maxPerUser: 10,
  pools: [{ id: 'ga', name: 'GA', capacity: 10_000_000, price: 4500 }],
  sections: [],
};

let sold = 0;
/** Book-now sales: each a hold_placed and a hold_confirmed with one seat ticket and one pool ticket. */
function sales(entries: number, nowMs: number): LogEntry[] {
  const batch: LogEntry[] = [];
  for (let i = 0; i < entries / 2; i++) {
    const n = sold++;
    const hold: Hold = {
      id: newHoldId(EVENT.id),
      eventId: EVENT.id,
      userId: `u${n}`,
      status: 'held',
      items: [
        { seatId: `A-${Math.floor(n / 1000)}-${n % 1000}`, quantity: 1, price: 9900 },
        { poolId: 'ga', quantity: 1, price: 4500 },
      ],
      total: 14_400,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + 300_000,
    };
    batch.push({ type: 'hold_placed', eventId: EVENT.id, atMs: nowMs, hold });
    batch.push({ type: 'hold_confirmed', eventId: EVENT.id, atMs: nowMs, hold, order: orderOf(hold, nowMs) });
  }
  return batch;
}

async function openStore(
  dataDir: string,
  counted: boolean,
): Promise<{ driver: PgliteDriver; store: SqlStore }> {
  const driver = await PgliteDriver.open(dataDir);
  await migrate(driver);
  await ensureIntegrityCounters(driver);
  const store = new SqlStore(driver, { integrityCounters: counted });
  await store.createEvent(EVENT, Date.now());
  return { driver, store };
}

/** CPU time of this process (PGlite runs on its main thread): steadier than wall time on a shared machine. */
async function cpuTimed(work: () => Promise<unknown>): Promise<number> {
  const startedAt = process.cpuUsage();
  await work();
  const used = process.cpuUsage(startedAt);
  return (used.user + used.system) / 1000;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function perBatch(root: string, rounds: number, batchEntries: number): Promise<void> {
  const plain = await openStore(join(root, 'plain'), false);
  const counted = await openStore(join(root, 'counted'), true);
  const times = { plain: [] as number[], counted: [] as number[] };
  const cpu = { plain: [] as number[], counted: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['plain', 'counted'] as const) : (['counted', 'plain'] as const);
    for (const mode of order) {
      const entries = sales(batchEntries, Date.now());
      const store = mode === 'plain' ? plain.store : counted.store;
      const startedAt = performance.now();
      cpu[mode].push(await cpuTimed(() => store.appendEntries(entries)));
      times[mode].push(performance.now() - startedAt);
    }
  }
  const line = (mode: 'plain' | 'counted') =>
    `  ${mode.padEnd(8)} CPU median ${quantile(cpu[mode], 0.5).toFixed(2)} ms, wall median ${quantile(times[mode], 0.5).toFixed(2)} ms, p90 ${quantile(times[mode], 0.9).toFixed(2)} ms per batch`;
  const extra = quantile(cpu.counted, 0.5) - quantile(cpu.plain, 0.5);
  process.stdout.write(
    `per batch of ${batchEntries} entries (${batchEntries / 2} sales, ${batchEntries} tickets), ${rounds} rounds:\n${line('plain')}\n${line('counted')}\n` +
      `  counters add ${extra.toFixed(2)} ms of CPU per batch (${((extra * 1000) / batchEntries).toFixed(1)} µs per entry)\n`,
  );
  await plain.driver.close();
  await counted.driver.close();
}

async function atStart(root: string, tickets: number): Promise<void> {
  const dataDir = join(root, 'large');
  const filled = await openStore(dataDir, true);
  for (let written = 0; written < tickets; written += FILL_BATCH_ENTRIES) {
    await filled.store.appendEntries(sales(FILL_BATCH_ENTRIES, Date.now()));
  }
  await filled.driver.close();
  const driver = await PgliteDriver.open(dataDir);
  let intact = false;
  const checkStartedAt = performance.now();
  const checkMs = await cpuTimed(async () => {
    intact = isIntact(await checkIntegrity(driver, [countersWitness]));
  });
  const checkWallMs = performance.now() - checkStartedAt;
  const snapshotMs = await cpuTimed(() => new SqlStore(driver).loadSnapshot(Date.now()));
  process.stdout.write(
    `at start, ${tickets} tickets (${tickets / 2} holds and orders, ${tickets / 2} seat tickets): integrity check ${checkMs.toFixed(0)} ms of CPU, ${checkWallMs.toFixed(0)} ms wall (${intact ? 'intact' : 'DAMAGED'}); for scale, the snapshot load every start does ${snapshotMs.toFixed(0)} ms of CPU\n`,
  );
  await driver.close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tickets: { type: 'string', default: '100000' },
      rounds: { type: 'string', default: '60' },
      batch: { type: 'string', default: '256' },
    },
  });
  const root = mkdtempSync(join(tmpdir(), 'boxoffice-integrity-bench-'));
  try {
    await perBatch(root, Number(values.rounds), Number(values.batch));
    await atStart(root, Number(values.tickets));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`integrity-cost: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
