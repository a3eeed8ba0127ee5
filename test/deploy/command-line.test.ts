// What an operator sees from the command line: `--version` from package.json, and a database that does not
// exist reported in one line by `serve` and `worker` (no stack trace), exit code 1.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { POSTGRES_URL, postgresAvailable } from '../support/postgres.js';

const CLI = resolve('dist/cli/main.js');
const run = promisify(execFile);
/** A child that has not given up within this long is hanging, not reporting. */
const CHILD_TIMEOUT_MS = 30_000;

async function boxoffice(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: CHILD_TIMEOUT_MS,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('boxoffice --version', () => {
  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    for (const flag of ['--version', '-v', 'version']) {
      const result = await boxoffice([flag]);
      expect(result).toMatchObject({ code: 0, stdout: `boxoffice ${version}\n` });
    }
  });
});

describe.runIf(await postgresAvailable('the missing-database test'))('a database that does not exist', () => {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/boxoffice_missing_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  // Redis is never reached: the store is opened (and migrated) first. Port 1 would refuse anyway.
  const env = {
    DATABASE_URL: url.toString(),
    REDIS_URL: 'redis://127.0.0.1:1',
    BOXOFFICE_ADMIN_TOKEN: 'missing-database-test-token',
    PORT: '0',
    BOXOFFICE_METRICS_PORT: '0',
  };

  for (const command of ['serve', 'worker']) {
    it(`${command}: one line naming the database, exit code 1`, async () => {
      const result = await boxoffice([command], env);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`database "${url.pathname.slice(1)}" does not exist`);
      expect(lines[0]).toContain('DATABASE_URL');
    });
  }
});

describe('a port another process holds', () => {
  it('serve (embedded): one line naming the address, exit code 1, nothing left running', async () => {
    const holder = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    const port = (holder.address() as AddressInfo).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'boxoffice-port-taken-'));
    try {
      // Before the fix the projection thread kept the process alive: the child ran into CHILD_TIMEOUT_MS.
      const result = await boxoffice(
        ['serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', join(dataDir, 'data')],
        { BOXOFFICE_ADMIN_TOKEN: 'port-taken-test-token-0123456789' },
      );
      expect(result.code, result.stderr).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    } finally {
      await new Promise((done) => holder.close(done));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
