// What a test run left behind, found by the run's marks (test/support/test-run.ts): processes whose
// environment or command line names the run dir (redis-server, PostgreSQL, boxoffice, Chromium: every child
// inherits TMPDIR), entries of the run's TMPDIR, and databases named with the run's tag. The global teardown
// lists them loudly, removes them and fails the run; things the test processes had to clean up at their
// exit (test/support/exit-cleanup.ts) are listed as warnings.
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * Processes that mention `runDir` or work in it, except this process and the direct children of
 * `ignoredParent` (vitest's main process: its workers).
 */
export function runProcesses(runDir: string, ignoredParent: number): { pid: number; command: string }[] {
  if (!existsSync('/proc')) return [];
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ignoredParent) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      // redis-server rewrites its command line and environment (its process title), but works in its dir.
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8');
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if ([command, environment, cwd].some((text) => text.includes(runDir))) found.push({ pid, command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Processes of the run, once those still ending on their own (for up to `graceMs`) have ended. */
export async function lingeringProcesses(runDir: string, graceMs = 10_000) {
  const deadline = Date.now() + graceMs;
  let found = runProcesses(runDir, process.pid);
  while (found.length > 0 && Date.now() < deadline) {
    await sleep(200);
    found = runProcesses(runDir, process.pid);
  }
  return found;
}

export function killAll(processes: readonly { pid: number }[]): void {
  for (const { pid } of processes) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

export function entriesOf(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
}

/** Databases whose names start with `prefix`, dropped; undefined when the server does not answer. */
export async function dropDatabases(serverUrl: string, prefix: string): Promise<string[] | undefined> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch {
    return undefined;
  }
  try {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1) order by datname',
      [prefix],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

/**
 * Samples the shared PostgreSQL server's connections while the run lasts: those to the run's databases, and
 * all of them (other users of the server included).
 */
export function sampleConnections(serverUrl: string, prefix: string, everyMs = 250) {
  let peakRun = 0;
  let peakAll = 0;
  let stopped = false;
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  const sampling = (async () => {
    try {
      await client.connect();
    } catch {
      return false;
    }
    while (!stopped) {
      const { rows } = await client.query<{ run: number; all: number }>(
        `select count(*) filter (where starts_with(datname, $1))::int as run, count(*)::int as all
           from pg_stat_activity where backend_type = 'client backend'`,
        [prefix],
      );
      peakRun = Math.max(peakRun, rows[0]?.run ?? 0);
      peakAll = Math.max(peakAll, rows[0]?.all ?? 0);
      await sleep(everyMs);
    }
    await client.end();
    return true;
  })().catch(() => false);
  return {
    async stop(): Promise<{ peakRun: number; peakAll: number } | undefined> {
      stopped = true;
      return (await sampling) ? { peakRun, peakAll } : undefined;
    },
  };
}
