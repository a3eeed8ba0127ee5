// The README's walkthrough, pasted as written: its marked blocks run in one bash (with `set -euo pipefail`,
// so any failing step fails the test) against the real server its first block starts with `npm start`, on a
// free port and a throwaway data dir. The docs cannot drift from the API without this failing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeBlocks } from '../support/readme-blocks.js';
import { freePort } from '../support/redis-server.js';

/** The walkthrough waits up to 120 s for readiness itself; this bounds the whole run. */
const RUN_TIMEOUT_MS = 150_000;
const STOP_WAIT_MS = 10_000;
/** Variables of the parent that would change what the server does; the walkthrough sets its own. */
const SERVER_SETTINGS = /^(BOXOFFICE_|REDIS_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/;

describe('README walkthrough', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'boxoffice-readme-'));
  let shell: ChildProcess | undefined;
  let port = 0;

  afterAll(async () => {
    // `npm start &` outlives the shell: stop the whole process group, as Ctrl-C in a terminal would.
    if (shell?.pid !== undefined) signalGroup(shell.pid, 'SIGTERM');
    for (let waited = 0; waited < STOP_WAIT_MS && (await answers(port)); waited += 200) await sleep(200);
    if (shell?.pid !== undefined) signalGroup(shell.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs as pasted, from npm start to a consistent audit', {
    timeout: RUN_TIMEOUT_MS + 20_000,
  }, async () => {
    const blocks = readmeBlocks('walkthrough');
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(blocks[0]).toContain('npm start &');
    port = await freePort();
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !SERVER_SETTINGS.test(name)),
    );
    shell = spawn('bash', ['-c', ['set -euo pipefail', ...blocks].join('\n')], {
      env: { ...env, PORT: String(port), BOXOFFICE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    shell.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    shell.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    const code = await exitCode(shell, RUN_TIMEOUT_MS);
    expect(code, `stdout:\n${out}\nstderr:\n${err}`).toBe(0);

    expect(out).toMatch(/^hold: h\.arena-night\.\S+$/m);
    expect(out).toMatch(/^order: \S+$/m);
    const lines = out.trim().split('\n');
    const audit = JSON.parse(lines[lines.length - 1] ?? '');
    expect(audit).toMatchObject({ oversold: 0, doubleBooked: 0, consistent: true });
  });
});

function exitCode(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`walkthrough still running after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has ended already.
  }
}

async function answers(port: number): Promise<boolean> {
  if (port === 0) return false;
  return fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => true,
    () => false,
  );
}
