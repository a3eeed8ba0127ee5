// A throwaway PostgreSQL database: the distributed shape's for one bench run, and each test suite's
// (test/support/postgres.ts). Created on the given server at the start, dropped at the end, also when the
// run fails or is interrupted (dropLeftoverDatabases; the tests' exit cleanup drops the suite's).
import pg from 'pg';

/** CREATE and DROP DATABASE take well under a second; a server that does not answer in this is gone. */
const ADMIN_TIMEOUT_MS = 30_000;

export interface ThrowawayDatabase {
  readonly name: string;
  /** The database's URL: the server's, with the database's name as its path. */
  readonly url: string;
  /** Process ids of the server's backends connected to this database now (for the CPU split). */
  backendPids(): Promise<number[]>;
  drop(): Promise<void>;
}

const created = new Set<ThrowawayDatabase>();

export async function createThrowawayDatabase(
  serverUrl: string,
  name = `boxoffice_bench_${process.pid}_${Date.now().toString(36)}`,
): Promise<ThrowawayDatabase> {
  await administer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database: ThrowawayDatabase = {
    name,
    url: url.toString(),
    async backendPids() {
      const rows = await administer<{ pid: number }>(
        serverUrl,
        'SELECT pid FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      return rows.map((row) => row.pid);
    },
    async drop() {
      created.delete(database);
      // FORCE: a child killed mid-run may leave its connections for the server to notice.
      await administer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
  created.add(database);
  return database;
}

/** Drops every database this process created and has not dropped yet; errors are returned, not thrown. */
export async function dropLeftoverDatabases(): Promise<string[]> {
  const problems: string[] = [];
  for (const database of [...created]) {
    try {
      await database.drop();
    } catch (error) {
      problems.push(`dropping database ${database.name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

async function administer<Row = never>(
  serverUrl: string,
  sql: string,
  values: readonly unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({
    connectionString: serverUrl,
    connectionTimeoutMillis: ADMIN_TIMEOUT_MS,
    query_timeout: ADMIN_TIMEOUT_MS,
  });
  await client.connect();
  try {
    return (await client.query(sql, [...values])).rows as Row[];
  } finally {
    await client.end();
  }
}
