// Throwaway PostgreSQL databases on the machine's server (BOXOFFICE_TEST_POSTGRES_URL, default
// 127.0.0.1:5432): one per suite, dropped afterwards. Missing PostgreSQL fails the run under CI=true and
// skips loudly elsewhere (postgresAvailable()).
import { spawn } from 'node:child_process';
import pg from 'pg';
import {
  type ThrowawayDatabase as Created,
  createThrowawayDatabase,
} from '../../tools/harness/throwaway-database.js';
import { cleanupAtExit } from './exit-cleanup.js';
import { databasePrefix } from './test-run.js';

export const POSTGRES_URL =
  process.env.BOXOFFICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type ThrowawayDatabase = Pick<Created, 'url' | 'drop'>;

export async function throwawayDatabase(serverUrl = POSTGRES_URL): Promise<ThrowawayDatabase> {
  // The run's tag in the name lets the global teardown find what a crashed test process left.
  const database = `${databasePrefix()}${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const created = await createThrowawayDatabase(serverUrl, database);
  const forget = cleanupAtExit(`database ${database}`, () => dropSync(serverUrl, database));
  return {
    url: created.url,
    async drop() {
      await created.drop();
      forget();
    },
  };
}

/**
 * Drops a database from an exit handler, where nothing asynchronous runs and there is no time to wait: a
 * detached node process does it after this one has gone.
 */
function dropSync(serverUrl: string, database: string): void {
  const script = `const pg = require('pg');
    const client = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 5000 });
    client.connect().then(() => client.query('DROP DATABASE IF EXISTS ' + process.argv[2] + ' WITH (FORCE)'))
      .finally(() => client.end());`;
  spawn(process.execPath, ['-e', script, serverUrl, database], { detached: true, stdio: 'ignore' }).unref();
}

export async function postgresAvailable(
  suites = 'the distributed suites',
  serverUrl = POSTGRES_URL,
): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL is not reachable at ${serverUrl} (required under CI=true).`);
    process.stderr.write(`\n!!! SKIPPING ${suites}: nothing answers at ${serverUrl}\n\n`);
    return false;
  }
}
