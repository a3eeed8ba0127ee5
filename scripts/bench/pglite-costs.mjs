// PGlite's CPU cost per query and per row on this machine, as quoted in docs/benchmarks.md.
// Run after `npm ci`: node scripts/bench/pglite-costs.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const root = mkdtempSync(join(tmpdir(), 'pglite-costs-'));
const db = new PGlite(join(root, 'data'));
await db.waitReady;
await db.exec(`create table t (id text primary key, v text);
create table h (id text primary key, event_id text, user_id text, status text, items jsonb, quantity int, total bigint, created_at_ms bigint, expires_at_ms bigint);
create table j (seq bigserial primary key, entries text);`);

let n = 0;
const BATCH = 60;

async function perCall(label, fn, reps = 2000) {
  for (let i = 0; i < 200; i++) await fn();
  const start = process.cpuUsage();
  for (let i = 0; i < reps; i++) await fn();
  const used = process.cpuUsage(start);
  console.log(`${label.padEnd(44)} ${((used.user + used.system) / reps).toFixed(0)} µs per call`);
}

async function perRow(label, fn, reps = 300) {
  for (let i = 0; i < 30; i++) await fn();
  const start = process.cpuUsage();
  for (let i = 0; i < reps; i++) await fn();
  const used = process.cpuUsage(start);
  console.log(
    `${label.padEnd(44)} ${((used.user + used.system) / reps / BATCH).toFixed(1)} µs per row (batches of ${BATCH})`,
  );
}

function holdRows() {
  const rows = [];
  for (let i = 0; i < BATCH; i++) {
    n++;
    const now = Date.now();
    rows.push({
      id: `h.ev.k${n}`,
      event_id: 'ev',
      user_id: `u-${n}`,
      items: [{ poolId: 'ga', quantity: 1, price: 4500 }],
      quantity: 1,
      total: 4500,
      created_at_ms: now,
      expires_at_ms: now + 300_000,
    });
  }
  return rows;
}

await perCall('query: SELECT 1 (extended protocol)', () => db.query('select 1'));
await perCall('transaction(SELECT 1)', () => db.transaction((tx) => tx.query('select 1')));
await perCall('exec: BEGIN; SELECT 1; COMMIT (simple)', () => db.exec('begin; select 1; commit'));
await perCall('query: insert one row (autocommit)', () =>
  db.query('insert into t values ($1, $2)', [`q${n++}`, 'x']),
);
await perRow('two-column rows via jsonb_to_recordset', () =>
  db.query('insert into t select * from jsonb_to_recordset($1::jsonb) as b(id text, v text)', [
    JSON.stringify(holdRows().map((r) => ({ id: r.id, v: 'x' }))),
  ]),
);
await perRow('holds-shaped rows via jsonb_to_recordset', () =>
  db.query(
    `insert into h select id, event_id, user_id, 'held', items, quantity, total, created_at_ms, expires_at_ms
     from jsonb_to_recordset($1::jsonb) as b(id text, event_id text, user_id text, items jsonb, quantity int, total bigint, created_at_ms bigint, expires_at_ms bigint)`,
    [JSON.stringify(holdRows())],
  ),
);
await perRow('the whole batch as one text row', () =>
  db.query('insert into j (entries) values ($1)', [JSON.stringify(holdRows())]),
);
await db.close();
rmSync(root, { recursive: true, force: true });
