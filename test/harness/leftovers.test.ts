// The run-end leftovers check and the cleanup at exit find and remove what a suite leaves behind.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAtExit, runPending } from '../support/exit-cleanup.js';
import { dropDatabases, entriesOf, killAll, runProcesses } from '../support/leftovers.js';
import { POSTGRES_URL, postgresAvailable } from '../support/postgres.js';
import { RUN_DIR_VARIABLE } from '../support/test-run.js';

const root = mkdtempSync(join(tmpdir(), 'boxoffice-leftovers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('leftovers of a run', () => {
  it('finds a process working in the run dir, whatever its command line, and kills it', async () => {
    const runDir = join(root, 'run-a');
    mkdirSync(runDir);
    const child = spawn('sleep', ['30'], { cwd: runDir, stdio: 'ignore' });
    const exited = new Promise((done) => child.once('exit', done));
    await sleep(100);
    const found = runProcesses(runDir, -1);
    expect(found.map((p) => p.pid)).toEqual([child.pid]);
    expect(runProcesses(join(root, 'run-b'), -1)).toEqual([]);
    killAll(found);
    await exited;
    expect(runProcesses(runDir, -1)).toEqual([]);
    expect(entriesOf(runDir)).toEqual([]);
  });

  it('drops the databases named with the run tag, and only those', async () => {
    if (!(await postgresAvailable('the leftovers database check'))) return;
    const tag = `boxoffice_test_leftovers${process.pid}_`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${tag}one`);
      expect(await dropDatabases(POSTGRES_URL, tag)).toEqual([`${tag}one`]);
      const { rows } = await admin.query('select 1 from pg_database where datname = $1', [`${tag}one`]);
      expect(rows).toEqual([]);
      expect(await dropDatabases(POSTGRES_URL, tag)).toEqual([]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${tag}one`);
      await admin.end();
    }
  });
});

describe('cleanup at exit', () => {
  it('runs what is still registered, processes first, names the suite in the run log, forgets what was released', () => {
    const order: string[] = [];
    const released = cleanupAtExit('released', () => order.push('released'));
    cleanupAtExit('a file', () => order.push('remove'));
    cleanupAtExit('a process', () => order.push('stop'), 'stop');
    released();
    const runDir = process.env[RUN_DIR_VARIABLE] as string;
    const log = join(runDir, 'cleaned-at-exit.log');
    const before = existsSync(log) ? readFileSync(log, 'utf8') : '';
    runPending('a check');
    expect(order).toEqual(['stop', 'remove']);
    const added = readFileSync(log, 'utf8').slice(before.length);
    expect(added).toContain('at a check: a process, from test/harness/leftovers.test.ts');
    // The check's own entries are not leftovers of the run.
    writeFileSync(log, before);
    runPending('again');
    expect(order).toEqual(['stop', 'remove']);
  });
});
