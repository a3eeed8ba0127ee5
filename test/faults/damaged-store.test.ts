// A damaged embedded data dir must stop the start with one line that says what is wrong, where, and what to
// do, and leave the files as they were: never initdb over a store that lost PG_VERSION, never serve a store
// whose table files lost rows (a gate rebuilt from it would sell the same seats again), never a stack
// trace. The server runs as a real child process (`boxoffice serve`) on copies of one populated store.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import {
  admin,
  eventBody,
  freshDataDir,
  manualClock,
  startEmbedded,
  uniqueEventId,
} from '../support/embedded.js';
import { freePort } from '../support/redis-server.js';

const CLI = resolve('dist/cli/main.js');
/** A start that neither fails nor answers within this long is a failure of the test (two shared cores). */
const START_TIMEOUT_MS = 30_000;
const POLL_MS = 100;
const ADMIN_TOKEN = 'damaged-store-admin-token-0123456789';
/** Variables of the parent that would change what a child does. */
const INHERITED_SETTINGS = /^(BOXOFFICE_|REDIS_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/;

interface Outcome {
  /** The server answered /readyz: it started on the store. */
  readonly started: boolean;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the started server said of the event (to show what a silent start serves). */
  readonly stats?: unknown;
}

const children: ChildProcess[] = [];

function run(args: string[], env: Record<string, string>) {
  const parent = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !INHERITED_SETTINGS.test(name)),
  );
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...parent, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => (out.stdout += String(chunk)));
  child.stderr?.on('data', (chunk) => (out.stderr += String(chunk)));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, out, exited };
}

/** `boxoffice serve` on dataDir until it exits or answers /readyz (then it is stopped). */
async function serveOnce(dataDir: string, eventId: string): Promise<Outcome> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, out, exited } = run(['serve'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    BOXOFFICE_DATA_DIR: dataDir,
    BOXOFFICE_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await sleep(POLL_MS);
    if (exitCode !== undefined) return { started: false, exitCode, ...out };
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      const stats = await fetch(`${url}/v1/events/${eventId}/stats`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }).then((response) => response.json());
      child.kill('SIGTERM');
      return { started: true, exitCode: await exited, ...out, stats };
    }
  }
  child.kill('SIGKILL');
  throw new Error(`serve neither started nor failed in time:\n${out.stderr}`);
}

async function reconcileCheck(dataDir: string): Promise<Outcome> {
  const { out, exited } = run(['reconcile', '--check'], { BOXOFFICE_DATA_DIR: dataDir });
  return { started: false, exitCode: await exited, ...out };
}

/** Every file's path, size and content hash (the lock aside): "untouched" means this did not change. */
function digest(dataDir: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name !== 'boxoffice.lock') hash.update(`${path}\0`).update(readFileSync(path));
    }
  };
  walk(dataDir);
  return hash.digest('hex');
}

function expectOneLineRefusal(outcome: Outcome, dataDir: string, pattern: RegExp): void {
  expect(outcome, `the server started on the damaged store: ${JSON.stringify(outcome.stats)}`).toMatchObject({
    started: false,
    exitCode: 1,
  });
  const text = outcome.stderr.trim();
  expect(text.split('\n'), text).toHaveLength(1);
  expect(text).toMatch(/^boxoffice: /);
  expect(text).not.toMatch(/\bat .*\.js:\d+/);
  expect(text).toContain(dataDir);
  expect(text).toMatch(pattern);
}

describe('a damaged embedded data dir', () => {
  const base = freshDataDir();
  const root = mkdtempSync(join(tmpdir(), 'boxoffice-damaged-'));
  const eventId = uniqueEventId('damaged');
  /** Paths, inside the data dir, of table files (pg_relation_filepath). */
  const files: Record<string, string> = {};
  let copies = 0;
  /** A copy of the populated store, to damage. */
  const copy = () => {
    const dir = join(root, `copy-${++copies}`);
    cpSync(base.dataDir, dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    // Sold pool tickets, sold seats, a live hold, a released and an expired one.
    const clock = manualClock();
    let driver: SqlDriver | undefined;
    const bo = await startEmbedded({
      dataDir: base.dataDir,
      clock: clock.now,
      wrapDriver: (real) => (driver = real),
    });
    const send = async (method: 'POST' | 'DELETE', url: string, payload?: object) =>
      (await bo.app.inject({ method, url, payload, headers: admin })).json();
    await send(
      'POST',
      '/v1/events',
      eventBody(eventId, {
        holdTtlSeconds: 60,
        pools: [{ id: 'ga', capacity: 400, price: 100 }],
        sections: [
          {
            id: 'A',
            price: 500,
            rows: [
              { id: '1', seats: 16 },
              { id: '2', seats: 16 },
            ],
          },
        ],
      }),
    );
    for (let i = 0; i < 6; i++) {
      const order = await send('POST', `/v1/events/${eventId}/orders`, {
        userId: `p${i}`,
        quantity: 3,
        poolId: 'ga',
      });
      expect(order.tickets).toHaveLength(3);
    }
    const seats = await send('POST', `/v1/events/${eventId}/holds`, {
      userId: 's',
      seats: ['A-1-1', 'A-1-2'],
    });
    expect((await send('POST', `/v1/holds/${seats.id}/confirm`)).tickets).toHaveLength(2);
    const released = await send('POST', `/v1/events/${eventId}/holds`, {
      userId: 'r',
      quantity: 2,
      poolId: 'ga',
    });
    await send('DELETE', `/v1/holds/${released.id}`);
    await send('POST', `/v1/events/${eventId}/holds`, { userId: 'x', seats: ['A-2-1'] });
    clock.advance(61_000);
    await bo.reservations.sweepExpired();
    await send('POST', `/v1/events/${eventId}/holds`, { userId: 'live', seats: ['A-2-2'] });
    for (const table of ['holds', 'tickets']) {
      const [row] = await (driver as SqlDriver).query<{ path: string }>(
        'SELECT pg_relation_filepath($1) AS path',
        [table],
      );
      files[table] = row?.path as string;
    }
    await bo.close();
  }, 60_000);

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    base.remove();
  });

  it('serves the undamaged store (the copies below differ from it by one damaged file)', async () => {
    const outcome = await serveOnce(copy(), eventId);
    expect(outcome.stderr).toBe('');
    expect(outcome.stats).toMatchObject({ sold: 20, held: 1, orders: 7 });
  }, 60_000);

  it('refuses a store without PG_VERSION and creates nothing on top of it', async () => {
    const dir = copy();
    rmSync(join(dir, 'PG_VERSION'));
    const before = digest(dir);
    const outcome = await serveOnce(dir, eventId);
    expectOneLineRefusal(outcome, dir, /PG_VERSION is missing.*restore the data directory from a backup/);
    expect(digest(dir)).toBe(before);
  }, 60_000);

  it('refuses a store whose holds table file lost its rows, naming the event and the counts', async () => {
    const dir = copy();
    writeFileSync(join(dir, files.holds as string), '');
    const outcome = await serveOnce(dir, eventId);
    expectOneLineRefusal(
      outcome,
      dir,
      new RegExp(`event "${eventId}" has 0 holds where integrity counters expect 10.*reconcile --check`),
    );
    const check = await reconcileCheck(dir);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain(`${eventId}: DAMAGED: 0 holds where integrity counters expect 10`);
  }, 60_000);

  it('refuses a store whose tickets table file lost its rows', async () => {
    const dir = copy();
    writeFileSync(join(dir, files.tickets as string), '');
    const outcome = await serveOnce(dir, eventId);
    expectOneLineRefusal(outcome, dir, /integrity check.*tickets/);
  }, 60_000);

  it('explains a control file of garbage in one line instead of a WebAssembly abort', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'global', 'pg_control'), 'not a control file\n'.repeat(8));
    const outcome = await serveOnce(dir, eventId);
    expectOneLineRefusal(
      outcome,
      dir,
      /PGlite could not open the store.*restore the data directory from a backup/,
    );
  }, 60_000);

  it('explains a data dir that is a file of garbage in one line', async () => {
    const file = join(root, 'garbage');
    writeFileSync(file, 'garbage\n');
    const outcome = await serveOnce(file, eventId);
    expectOneLineRefusal(outcome, file, /cannot be used: it is a file, not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('garbage\n');
  }, 60_000);

  it('refuses a log file damaged in the middle, naming the segment and the byte offset, and changes nothing', async () => {
    const dataDir = copy();
    const segment = join(dataDir, 'log', '00000000000000000000.seg');
    const bytes = readFileSync(segment);
    // A byte inside the first frame's payload: later frames follow it, so this is no torn tail.
    bytes[11] = (bytes[11] as number) ^ 0xff;
    writeFileSync(segment, bytes);
    const before = digest(dataDir);
    const outcome = await serveOnce(dataDir, eventId);
    expectOneLineRefusal(
      outcome,
      dataDir,
      /is damaged at byte 0 \(a frame whose checksum does not match\).*log_damaged/,
    );
    expect(outcome.stderr).toContain(segment);
    expect(digest(dataDir)).toBe(before);
    const check = await reconcileCheck(dataDir);
    expect(check.stdout).toContain(`${segment}: DAMAGED at byte 0`);
    expect(check.exitCode).toBe(1);
  }, 60_000);

  it('reports an intact store as intact with reconcile --check', async () => {
    const check = await reconcileCheck(copy());
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain(`${eventId}: intact`);
    expect(check.stdout).toMatch(/log: intact \(1 segments, \d+ entries\)/);
    expect(check.exitCode).toBe(0);
  }, 60_000);
});
