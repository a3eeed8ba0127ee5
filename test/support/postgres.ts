// Throwaway PostgreSQL databases on the machine's server (BOXOFFICE_TEST_POSTGRES_URL, default
// 127.0.0.1:5432): one per suite, dropped afterwards. Missing PostgreSQL fails the run under CI=true and
// skips loudly elsewhere (postgresAvailable()).
import pg from 'pg';

export const POSTGRES_URL =
  process.env.BOXOFFICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ThrowawayDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function throwawayDatabase(serverUrl = POSTGRES_URL): Promise<ThrowawayDatabase> {
  const database = `boxoffice_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await cleanup.end();
    },
  };
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
