// Applies the .sql files of sql/migrations in name order, each once, each in one transaction. An advisory
// lock serialises processes that start together against one PostgreSQL; the statements are idempotent
// (IF NOT EXISTS) so the second process re-running a migration it waited for changes nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SqlDriver } from './sql-driver.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./sql/migrations/', import.meta.url));
/** Arbitrary, fixed: the key of the advisory lock that only migrations take. */
const MIGRATION_LOCK_KEY = 7_404_001;

export async function migrate(driver: SqlDriver): Promise<number> {
  // Under the lock too: two processes creating the table at once collide in PostgreSQL's catalog even
  // with IF NOT EXISTS.
  await driver.exec(
    `BEGIN; SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY});
     CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at_ms bigint NOT NULL);
     COMMIT;`,
  );
  const applied = new Set(
    (await driver.query<{ name: string }>('SELECT name FROM schema_migrations')).map((row) => row.name),
  );
  const pending = readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql') && !applied.has(name))
    .sort();
  for (const name of pending) {
    const sql = readFileSync(MIGRATIONS_DIR + name, 'utf8');
    await driver.exec(
      `BEGIN; SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}); ${sql};
       INSERT INTO schema_migrations (name, applied_at_ms) VALUES ('${name.replaceAll("'", "''")}', ${Date.now()}) ON CONFLICT DO NOTHING;
       COMMIT;`,
    );
  }
  return pending.length;
}
