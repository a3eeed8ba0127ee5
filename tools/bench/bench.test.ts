// The pure parts of the bench: what it reads from wrk, /proc and /metrics, and how it judges a run.
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageError } from './options.js';
import { statFields, waitedChildrenTicks } from './proc.js';
import type { ScenarioResult } from './scenario.js';
import { countsBetween, countsOf, parseMetrics } from './server-metrics.js';
import { judge } from './targets.js';
import { parseWrkResult, requestsPerSecond, type WrkResult } from './wrk.js';

const WRK_STDOUT = `Running 10s test @ http://127.0.0.1:4000/v1/events/e/holds
  1 threads and 64 connections
Requests/sec:  36459.01
BENCH_RESULT {"durationUs":10000000,"requests":364590,"bytes":1,"non2xx":0,"connectErrors":0,"readErrors":0,"writeErrors":0,"timeouts":0,"latencyUsP50":1565,"latencyUsP99":4506,"latencyUsMax":39976,"latencyUsMean":1786.1}
`;

describe('wrk result', () => {
  it('reads the line holds.lua prints, in microseconds', () => {
    const result = parseWrkResult(WRK_STDOUT) as WrkResult;
    expect(result.latencyUsP99).toBe(4506);
    expect(requestsPerSecond(result)).toBeCloseTo(36_459, 0);
  });

  it('is undefined when wrk failed before printing it', () => {
    expect(parseWrkResult('unable to connect to 127.0.0.1:4000 Connection refused\n')).toBeUndefined();
  });
});

describe('/proc stat', () => {
  // A command name may hold spaces and parentheses; fields are counted after the last ')'.
  const line = '4242 (sh (x) y) S 1 4242 4242 0 -1 4194304 96 311 0 0 7 3 521 287 20 0 1 0';

  it('finds the fields after the command name', () => {
    expect(statFields(line).slice(0, 2)).toEqual(['S', '1']);
  });

  it('sums cutime and cstime: the CPU of waited-for children', () => {
    expect(waitedChildrenTicks(line)).toBe(521 + 287);
  });
});

const METRICS_BEFORE = `# HELP boxoffice_operations_total x
boxoffice_operations_total{operation="hold",outcome="ok"} 10
boxoffice_http_request_duration_seconds_count{method="POST",route="/v1/events/:eventId/holds",status="201"} 10
boxoffice_commit_batch_entries_sum 10
boxoffice_commit_batch_entries_count 2
boxoffice_commit_duration_seconds_sum 0.004
`;
const METRICS_AFTER = `boxoffice_operations_total{operation="hold",outcome="ok"} 10
boxoffice_operations_total{operation="hold",outcome="sold_out"} 500
boxoffice_operations_total{operation="release",outcome="ok"} 3
boxoffice_http_request_duration_seconds_count{method="POST",route="/v1/events/:eventId/holds",status="201"} 10
boxoffice_http_request_duration_seconds_count{method="POST",route="/v1/events/:eventId/holds",status="409"} 500
boxoffice_http_request_duration_seconds_count{method="GET",route="/metrics",status="200"} 7
boxoffice_commit_batch_entries_sum 10
boxoffice_commit_batch_entries_count 2
boxoffice_commit_duration_seconds_sum 0.004
`;

describe('server metrics', () => {
  it('counts what the hold route answered between two readings, and nothing else', () => {
    const delta = countsBetween(
      countsOf(parseMetrics(METRICS_BEFORE)),
      countsOf(parseMetrics(METRICS_AFTER)),
    );
    expect([...delta.holdStatuses]).toEqual([['409', 500]]);
    expect([...delta.holdOutcomes]).toEqual([['sold_out', 500]]);
    expect(delta.commits).toBe(0);
  });
});

function result(
  name: ScenarioResult['name'],
  requestsPerSecond: number,
  latencyMsP99: number,
  shape: ScenarioResult['shape'] = 'embedded',
): ScenarioResult {
  return {
    name,
    shape,
    label: name,
    requestsPerSecond,
    latencyMsP50: 1,
    latencyMsP99,
    latencyMsMax: latencyMsP99,
    wrk: parseWrkResult(WRK_STDOUT) as WrkResult,
    cpu: undefined,
    serverRssBytes: undefined,
    server: undefined,
    problems: [],
  };
}

describe('targets', () => {
  const ceiling = result('ceiling', 40_000, 4);

  it('passes accepted holds at 0.55 of the ceiling within 10 ms p99', () => {
    expect(judge(result('accepted', 22_000, 10), ceiling).verdict).toBe('PASS');
    expect(judge(result('accepted', 22_000, 10.1), ceiling).verdict).toBe('FAIL');
    expect(judge(result('accepted', 21_999, 5), ceiling).verdict).toBe('FAIL');
  });

  it('passes rejections at 0.85 of the ceiling', () => {
    const judged = judge(result('rejected', 34_000, 50), ceiling);
    expect(judged.ratio).toBeCloseTo(0.85);
    expect(judged.verdict).toBe('PASS');
    expect(judge(result('rejected', 33_999, 50), ceiling).verdict).toBe('FAIL');
  });

  it('judges a buyer-token run against the open run of the same holds, at 0.9', () => {
    const open = result('rejected', 30_000, 5);
    expect(judge(result('rejected-verified', 27_000, 5), open)).toMatchObject({ verdict: 'PASS' });
    expect(judge(result('rejected-verified', 26_999, 5), open)).toMatchObject({ verdict: 'FAIL' });
  });

  it('calls a run with problems an error, whatever its figures', () => {
    const broken = { ...result('accepted', 30_000, 2), problems: ['409 ×3'] };
    expect(judge(broken, ceiling).verdict).toBe('ERROR');
  });
});

describe('flags', () => {
  it('has the issue’s defaults', () => {
    const options = parseBenchArgs([]);
    expect(options).toMatchObject({ durationSeconds: 10, connections: 64, threads: 1, strict: false });
  });

  it('runs the servers with rate limits on unless told off', () => {
    expect(parseBenchArgs([])).toMatchObject({ rateLimits: 'on' });
    expect(parseBenchArgs(['--rate-limits', 'off'])).toMatchObject({ rateLimits: 'off' });
    expect(() => parseBenchArgs(['--rate-limits', 'maybe'])).toThrow(UsageError);
    expect(parseBenchArgs([])).toMatchObject({ durability: 'process' });
    expect(parseBenchArgs(['--durability', 'power'])).toMatchObject({ durability: 'power' });
    expect(() => parseBenchArgs(['--durability', 'disk'])).toThrow(UsageError);
  });

  it('refuses unbounded or unknown values', () => {
    expect(() => parseBenchArgs(['--duration', '0'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--duration', '1e9'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--threads', '8', '--connections', '4'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--fast'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--rate-limits', 'maybe'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--auth', 'none'])).toThrow(UsageError);
  });

  it('rests the memory run 20 s after its holds unless told otherwise, within bounds', () => {
    expect(parseBenchArgs(['--memory'])).toMatchObject({ memoryRestSeconds: 20 });
    expect(parseBenchArgs(['--memory', '--memory-rest', '0'])).toMatchObject({ memoryRestSeconds: 0 });
    expect(() => parseBenchArgs(['--memory', '--memory-rest', '601'])).toThrow(UsageError);
  });

  it('measures buyer tokens only when asked', () => {
    expect(parseBenchArgs([])).toMatchObject({ auth: 'open' });
    expect(parseBenchArgs(['--auth', 'verified'])).toMatchObject({ auth: 'verified' });
  });
});
