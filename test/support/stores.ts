// The store adapters every contract suite runs against: PGlite (a copy of the migrated template) and real
// PostgreSQL (a throwaway database on DATABASE_URL's server, default 127.0.0.1:5432). Narrow with
// STORES=pglite or STORES=postgres. A missing PostgreSQL fails the run under CI=true and skips loudly
// elsewhere.
import { migrate } from '../../src/store/migrate.js';
import { PgliteDriver } from '../../src/store/pglite/pglite-driver.js';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { freshDataDir } from './embedded.js';
import { postgresAvailable, throwawayDatabase } from './postgres.js';

export interface StoreAdapter {
  readonly name: 'pglite' | 'postgres';
  open(): Promise<{ driver: SqlDriver; dispose: () => Promise<void> }>;
}

const pglite: StoreAdapter = {
  name: 'pglite',
  async open() {
    const { dataDir, remove } = freshDataDir();
    const driver = await PgliteDriver.open(dataDir);
    return {
      driver,
      async dispose() {
        await driver.close();
        remove();
      },
    };
  },
};

const postgres: StoreAdapter = {
  name: 'postgres',
  async open() {
    const database = await throwawayDatabase();
    const driver = new PostgresDriver(database.url);
    await migrate(driver);
    return {
      driver,
      async dispose() {
        await driver.close();
        await database.drop();
      },
    };
  },
};

export async function storeAdapters(): Promise<StoreAdapter[]> {
  const wanted = (process.env.STORES ?? 'pglite,postgres').split(',');
  const adapters: StoreAdapter[] = [];
  if (wanted.includes('pglite')) adapters.push(pglite);
  if (wanted.includes('postgres')) {
    if (await postgresAvailable('the PostgreSQL store suite')) adapters.push(postgres);
  }
  return adapters;
}
