// `boxoffice bench <scenario>` end to end, short and bounded: as a function against a server this test
// starts (--url), as the command line against its own private server (zero set-up), and against a store the
// test corrupted, where it must fail. No assertion is about speed.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { type LoadTestIo, runLoadTest } from '../../tools/loadtest/load-test.js';
import type { ScenarioName } from '../../tools/loadtest/options.js';
import type { LoadTestReport } from '../../tools/loadtest/report.js';
import { ADMIN_TOKEN, startEmbedded, type TestEmbedded } from '../support/embedded.js';
import { listen } from '../support/http.js';

const run = promisify(execFile);
const SMALL_LOAD = ['--requests', '400', '--connections', '8', '--duration', '30'];

/** Output kept in memory: the report on stdout, the progress on stderr. */
function quietIo(
  env: Record<string, string> = {},
): LoadTestIo & { stdout: { text: string }; stderr: { text: string } } {
  const sink = () => ({
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  });
  return { stdout: sink(), stderr: sink(), env };
}

/** Every request is counted once in each breakdown, and no bound was passed. */
function expectCountsAddUp(report: LoadTestReport): void {
  const { totals } = report;
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  expect(totals.requests).toBeGreaterThan(0);
  expect(totals.requests).toBeLessThanOrEqual(report.options.requestsMax);
  expect(totals.ok + totals.refused + totals.errors).toBe(totals.requests);
  expect(sum(Object.values(report.outcomes).flatMap((byKey) => Object.values(byKey)))).toBe(totals.requests);
  expect(sum(Object.values(report.latency).map((summary) => summary.count))).toBe(totals.requests);
  expect(sum(report.timeline.map((second) => second.requests))).toBe(totals.requests);
}

function expectSoundEnd(report: LoadTestReport): void {
  expect(report.verdict).toEqual({ passed: true, problems: [] });
  expect(report.totals.errors).toBe(0);
  expect(report.tally.peakClaimedUnits).toBeLessThanOrEqual(report.event.capacity);
  expect(report.audit).toMatchObject({ consistent: true, oversold: 0, doubleBooked: 0, phantom: 0 });
}

describe('boxoffice bench load-test scenarios', () => {
  let bo: TestEmbedded;
  let db: SqlDriver;
  let url: string;
  const outDirs: string[] = [];
  const outDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxoffice-loadtest-report-'));
    outDirs.push(dir);
    return dir;
  };
  const readReport = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as LoadTestReport;

  async function loadTest(scenario: ScenarioName, args: string[], io = quietIo()) {
    const dir = outDir();
    const code = await runLoadTest(scenario, [...args, '--out', dir], io);
    return { code, report: readReport(dir), io };
  }

  beforeAll(async () => {
    bo = await startEmbedded({
      wrapDriver: (driver) => {
        db = driver;
        return driver;
      },
    });
    url = await listen(bo.app);
  });
  afterAll(async () => {
    await bo?.dispose();
    for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('pool-rush against --url sells the pool out exactly once', async () => {
    const target = ['--url', url, '--admin-token', ADMIN_TOKEN];
    const { code, report, io } = await loadTest('pool-rush', [
      ...target,
      ...SMALL_LOAD,
      ...['--capacity', '100', '--users', '200', '--seed', '11'],
    ]);
    expect(code, io.stderr.text).toBe(0);
    expectCountsAddUp(report);
    expectSoundEnd(report);
    expect(report.stopReason).toBe('sold out');
    expect(report.tally.acceptedUnits).toBe(100);
    expect(report.audit).toMatchObject({ gate: { held: 100, available: 0 } });
    expect(report.outcomes.hold?.['409 sold_out']).toBeGreaterThan(0);
    expect(io.stdout.text).toMatch(/^# boxoffice bench pool-rush: PASS/);
  });

  it('contention lets exactly one of many win the seat; the token may come from the environment', async () => {
    const io = quietIo({ BOXOFFICE_ADMIN_TOKEN: ADMIN_TOKEN });
    const { code, report } = await loadTest('contention', ['--url', url, ...SMALL_LOAD, '--seed', '3'], io);
    expect(code, io.stderr.text).toBe(0);
    expectCountsAddUp(report);
    expectSoundEnd(report);
    expect(report.outcomes.hold).toEqual({ '201': 1, '409 seat_unavailable': 399 });
  });

  it('seat-rush holds best-available seats until every section is sold out', async () => {
    const target = ['--url', url, '--admin-token', ADMIN_TOKEN];
    const { code, report, io } = await loadTest('seat-rush', [...target, ...SMALL_LOAD, '--seats', '120']);
    expect(code, io.stderr.text).toBe(0);
    expectCountsAddUp(report);
    expectSoundEnd(report);
    expect(report.event).toMatchObject({ seats: 120, sections: 1 });
    expect(report.tally.acceptedUnits).toBe(120);
  });

  it('exits 1 when the audit finds the store corrupted, and says why', async () => {
    const target = ['--url', url, '--admin-token', ADMIN_TOKEN];
    const first = await loadTest('mix', [...target, ...SMALL_LOAD, '--capacity', '60', '--seats', '40']);
    expect(first.code, first.io.stderr.text).toBe(0);
    expectCountsAddUp(first.report);
    expect(first.report.tally.confirmedTickets).toBeGreaterThan(0);
    // Lose the event's tickets behind the server's back, as a broken projection would.
    await db.query('DELETE FROM tickets WHERE event_id = $1', [first.report.event.id]);
    const again = await loadTest('contention', [
      ...target,
      '--event',
      first.report.event.id,
      '--requests',
      '20',
    ]);
    expect(again.code).toBe(1);
    expect(again.report.verdict.passed).toBe(false);
    expect(again.report.verdict.problems.join('\n')).toMatch(/audit: consistent is false/);
    expect(again.io.stdout.text).toMatch(/^# boxoffice bench contention: FAIL/);
  });

  it('refuses bad flags with exit 2 before any load', async () => {
    const io = quietIo();
    expect(await runLoadTest('mix', ['--url', url, '--requests', '0'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/--admin-token|--requests/);
    const missing = quietIo();
    expect(
      await runLoadTest(
        'pool-rush',
        ['--url', url, '--admin-token', ADMIN_TOKEN, '--event', 'nope'],
        missing,
      ),
    ).toBe(1);
    expect(missing.stderr.text).toMatch(/Reading event nope failed: 404/);
  });

  it('runs from the command line with zero set-up: private server, mix, report, summary and chart', async () => {
    const dir = outDir();
    const { stdout } = await run(
      process.execPath,
      [
        'dist/cli/main.js',
        'bench',
        'mix',
        ...SMALL_LOAD,
        '--seats',
        '40',
        '--capacity',
        '60',
        '--out',
        dir,
        '--chart',
        '--json',
      ],
      { timeout: 150_000 },
    );
    const report = JSON.parse(stdout) as LoadTestReport;
    expect(report).toEqual(readReport(dir));
    expect(report.target.private).toBe(true);
    expect(report.target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expectCountsAddUp(report);
    expectSoundEnd(report);
    expect(Object.keys(report.latency)).toEqual(expect.arrayContaining(['hold', 'confirm']));
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/^# boxoffice bench mix: PASS/);
    expect(readFileSync(join(dir, 'throughput.svg'), 'utf8')).toContain('data-series="p99-ms"');
    expect(existsSync(report.options.outDir as string)).toBe(true);
  }, 180_000);
});
