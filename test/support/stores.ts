// The store adapters every contract suite runs against: PGlite (a copy of the migrated template) and real
// PostgreSQL (a throwaway database on DATABASE_URL's server, default 127.0.0.1:5432). Narrow with
// STORES=pglite or STORES=postgres. A missing PostgreSQL fails the run under CI=true and skips loudly
// elsewhere.
import pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { PgliteDriver } from '../../src/store/pglite/pglite-driver.js';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { freshDataDir } from './embedded.js';

export interface StoreAdapter {
  readonly name: 'pglite' | 'postgres';
  open(): Promise<{ driver: SqlDriver; dispose: () => Promise<void> }>;
}

const POSTGRES_URL = process.env.BOXOFFICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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
    const database = `boxoffice_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${database}`;
    const driver = new PostgresDriver(url.toString());
    await migrate(driver);
    return {
      driver,
      async dispose() {
        await driver.close();
        const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await cleanup.end();
      },
    };
  },
};

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export async function storeAdapters(): Promise<StoreAdapter[]> {
  const wanted = (process.env.STORES ?? 'pglite,postgres').split(',');
  const adapters: StoreAdapter[] = [];
  if (wanted.includes('pglite')) adapters.push(pglite);
  if (wanted.includes('postgres')) {
    if (await postgresReachable()) adapters.push(postgres);
    else if (process.env.CI === 'true')
      throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL} (required under CI=true).`);
    else
      process.stderr.write(
        `\n!!! SKIPPING the PostgreSQL store suite: nothing answers at ${POSTGRES_URL}\n\n`,
      );
  }
  return adapters;
}
