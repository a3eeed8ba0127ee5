// `boxoffice serve` on a non-loopback address: refused in implicit `open` mode with a one-line error (buyers
// would be unverified on the network by accident), started with the explicit setting and a warning.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDataDir } from '../support/embedded.js';

const CLI = resolve('dist/cli/main.js');
/** A child that neither exits nor listens within this long has failed (cold Node and PGlite, shared cores). */
const CHILD_TIMEOUT_MS = 40_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `serve` until it exits, or until `until` matches its stdout (then stops it with SIGTERM; its exit code is
 * then of no interest: the signal may arrive before the command installs its handler).
 */
function serve(env: Record<string, string>, until?: RegExp): Promise<Run> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (until?.test(stdout)) child.kill('SIGTERM');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  return new Promise((done) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    }),
  );
}

describe('serve on a non-loopback address', () => {
  const data = freshDataDir();
  afterAll(() => data.remove());
  const base = {
    HOST: '0.0.0.0',
    PORT: '0',
    BOXOFFICE_DATA_DIR: data.dataDir,
    BOXOFFICE_ADMIN_TOKEN: 'serve-refusal-admin-token-0123',
    LOG_LEVEL: 'info',
  };

  it('refuses to start in implicit open mode, with one line saying why', async () => {
    const run = await serve(base);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/HOST=0\.0\.0\.0 .*BOXOFFICE_BUYER_AUTH=verified/);
  });

  it('starts with BOXOFFICE_BUYER_AUTH=open given explicitly, and warns', async () => {
    const run = await serve({ ...base, BOXOFFICE_BUYER_AUTH: 'open' }, /boxoffice listening/);
    expect(run.stdout).toMatch(/BOXOFFICE_BUYER_AUTH=open on a non-loopback address/);
    expect(run.stdout).toMatch(/"buyerAuth":"open".*boxoffice listening/);
  });

  it('starts in verified mode', async () => {
    const run = await serve({ ...base, BOXOFFICE_BUYER_AUTH: 'verified' }, /boxoffice listening/);
    expect(run.stdout).toMatch(/"buyerAuth":"verified".*boxoffice listening/);
  });
});
