// A private PostgreSQL server for fault tests that stop and start it: its own data dir (initdb once per suite,
// a few seconds), its own port, trust authentication, never the machine's shared server. Missing binaries
// fail the run under CI=true and skip loudly elsewhere (privatePostgresAvailable()).
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cleanupAtExit } from './exit-cleanup.js';
import { freePort } from './redis-server.js';

const run = promisify(execFile);

/** Where initdb and pg_ctl are looked for, first match wins. */
const BINARY_DIRS = [
  '/usr/local/bin',
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
];
/** The server refuses to run as root: as root, the binaries run as this user, who owns the data dir. */
const SERVER_USER = 'postgres';
/** pg_ctl -w waits at most this long for the server to start or stop. */
const PG_CTL_WAIT_SECONDS = 30;

export interface PrivatePostgres {
  readonly port: number;
  /** The `postgres` database, as the `postgres` superuser (trust authentication). */
  readonly url: string;
  readonly dataDir: string;
  /** Starts the server again on the same port and data dir. */
  start(): Promise<void>;
  /** `fast`: disconnects clients, rolls back their transactions, shuts down cleanly. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server at once (-m immediate) and deletes its data dir. */
  dispose(): Promise<void>;
}

function binaryDir(): string | undefined {
  return BINARY_DIRS.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

export function privatePostgresAvailable(): boolean {
  if (binaryDir() !== undefined) return true;
  const problem = `no initdb and pg_ctl in ${BINARY_DIRS.join(', ')}`;
  if (process.env.CI === 'true') throw new Error(`${problem} (required under CI=true).`);
  process.stderr.write(`\n!!! SKIPPING suites that need a private PostgreSQL: ${problem}\n\n`);
  return false;
}

/** Runs a PostgreSQL binary, as the server user when this process is root. */
async function pgBinary(name: string, args: readonly string[]): Promise<void> {
  const [file, fullArgs] = pgCommand(name, args);
  await run(file, fullArgs, { timeout: (PG_CTL_WAIT_SECONDS + 10) * 1000 });
}

/** The command line that runs a PostgreSQL binary, as the server user when this process is root. */
function pgCommand(name: string, args: readonly string[]): [string, string[]] {
  const dir = binaryDir();
  if (dir === undefined) throw new Error('initdb and pg_ctl are missing (see privatePostgresAvailable()).');
  const path = join(dir, name);
  return userInfo().uid === 0 ? ['runuser', ['-u', SERVER_USER, '--', path, ...args]] : [path, [...args]];
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dataDir = mkdtempSync(join(tmpdir(), 'boxoffice-pg-'));
  // From an exit handler, with no time to wait: SIGQUIT is PostgreSQL's immediate shutdown.
  const forget = cleanupAtExit(
    `private PostgreSQL in ${dataDir}`,
    () => {
      const pidFile = join(dataDir, 'postmaster.pid');
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGQUIT');
      rmSync(dataDir, { recursive: true, force: true });
    },
    'stop',
  );
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', SERVER_USER]);
    const { stdout: group } = await run('id', ['-g', SERVER_USER]);
    chownSync(dataDir, Number(stdout.trim()), Number(group.trim()));
  }
  // --no-sync: the tests stop PostgreSQL's processes, never the machine, so fsync buys nothing here.
  await pgBinary('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']).catch(
    (error: unknown) => {
      rmSync(dataDir, { recursive: true, force: true });
      forget();
      throw error;
    },
  );
  const port = await freePort();
  const logFile = join(dataDir, 'server.log');
  const serverOptions = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (...args: string[]) =>
    pgBinary('pg_ctl', ['-D', dataDir, '-w', '-t', String(PG_CTL_WAIT_SECONDS), ...args]);
  const withLog = async (what: string, work: Promise<void>) => {
    try {
      await work;
    } catch (error) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4_000) : '(no log)';
      throw new Error(`PostgreSQL ${what} failed: ${(error as Error).message}\n${log}`);
    }
  };
  const start = () => withLog('start', pgCtl('-o', serverOptions, '-l', logFile, 'start'));
  const stop = (mode: 'fast' | 'immediate' = 'fast') => withLog('stop', pgCtl('-m', mode, 'stop'));
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    start,
    stop,
    async dispose() {
      await stop('immediate').catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
      forget();
    },
  };
}
