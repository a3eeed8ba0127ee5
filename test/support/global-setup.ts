// Runs once per test run of the tiers with services (every such vitest project calls it; the first call does
// the work, the last teardown checks): builds a migrated PGlite data dir that suites copy (initdb costs ~3 s
// each time), checks the build the child-process tests start is there, and gives the run a dir of its own.
// Every test process, and every process it starts, has its TMPDIR inside that dir; at the end, whatever a
// suite left behind there, any process still running from it and any database named with the run's tag is
// listed, removed, and fails the run (test/support/leftovers.ts).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createMigratedDataDir } from '../../tools/harness/migrated-data-dir.js';
import { dropDatabases, entriesOf, killAll, lingeringProcesses, sampleConnections } from './leftovers.js';
import { POSTGRES_URL } from './postgres.js';
import { databasePrefix, RUN_DIR_PREFIX, RUN_DIR_VARIABLE, runTag } from './test-run.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

interface Run {
  readonly template: string;
  users: number;
  release(): Promise<void>;
}

const SHARED = Symbol.for('boxoffice.test-run');
type WithRun = typeof globalThis & { [SHARED]?: Promise<Run> };

export default async function setup(project: TestProject) {
  if (!existsSync('dist/cli/main.js')) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it through pretest).');
  }
  const shared = globalThis as WithRun;
  shared[SHARED] ??= startRun();
  const run = await shared[SHARED];
  run.users++;
  project.provide('pgliteTemplate', run.template);
  return async () => {
    run.users--;
    if (run.users === 0) {
      delete shared[SHARED];
      await run.release();
    }
  };
}

async function startRun(): Promise<Run> {
  const runDir = join(tmpdir(), `${RUN_DIR_PREFIX}${randomBytes(4).toString('hex')}`);
  const tmp = join(runDir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  // A private PostgreSQL runs as its own user inside TMPDIR: the run dir must let it through.
  chmodSync(runDir, 0o755);
  chmodSync(tmp, 0o1777);
  const template = join(runDir, 'template');
  await createMigratedDataDir(template);
  // Interrupted (Ctrl-C), vitest exits without the teardown: the test processes clean up after themselves
  // (test/support/exit-cleanup.ts), and this removes the run dir.
  process.once('exit', () => rmSync(runDir, { recursive: true, force: true }));
  process.env[RUN_DIR_VARIABLE] = runDir;
  process.env.TMPDIR = tmp;
  const connections = sampleConnections(POSTGRES_URL, databasePrefix());
  return {
    template,
    users: 0,
    async release() {
      const peak = await connections.stop();
      if (peak !== undefined)
        process.stdout.write(
          `\nPostgreSQL connections at ${POSTGRES_URL}: at most ${peak.peakRun} to this run's databases at once (${peak.peakAll} on the whole server, other users included)\n`,
        );
      await reportLeftovers(runDir, tmp);
    },
  };
}

async function reportLeftovers(runDir: string, tmp: string): Promise<void> {
  const processes = await lingeringProcesses(runDir);
  killAll(processes);
  const dirs = entriesOf(tmp);
  const databases = (await dropDatabases(POSTGRES_URL, databasePrefix(runTag()))) ?? [];
  const exitLog = join(runDir, 'cleaned-at-exit.log');
  const cleanedAtExit = existsSync(exitLog) ? readFileSync(exitLog, 'utf8').split('\n').filter(Boolean) : [];
  rmSync(runDir, { recursive: true, force: true });
  if (cleanedAtExit.length > 0)
    process.stderr.write(
      `\n!!! Test processes cleaned up at exit what their suites did not (a failed or missing afterAll):\n  ${cleanedAtExit.join('\n  ')}\n`,
    );
  const left = [
    ...processes.map(({ pid, command }) => `process ${pid}: ${command.slice(0, 300)}`),
    ...dirs.map((dir) => `temp dir ${dir}`),
    ...databases.map((name) => `database ${name}`),
  ];
  if (left.length === 0) return;
  process.stderr.write(
    `\n!!! LEFTOVERS: the run left these behind (now killed, removed, dropped); the run fails:\n  ${left.join('\n  ')}\n\n`,
  );
  process.exitCode = 1;
}
