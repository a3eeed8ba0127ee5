// The pure parts of the bench's distributed shape: flags, the children's environment, the per-shape and
// projector targets, and the CPU split that names Redis, the worker and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { childEnvironment } from '../harness/child-env.js';
import { DATABASE_URL_DEFAULT, parseBenchArgs, UsageError } from './options.js';
import { cpuSplit } from './proc.js';
import type { ProjectorBacklogDrain } from './projector-backlog-drain.js';
import type { ProjectorUnderLoad } from './projector-under-load.js';
import type { ScenarioResult } from './scenario.js';
import { judge, judgeProjector } from './targets.js';

describe('--shape and --database-url', () => {
  it('measure the embedded shape on the default PostgreSQL unless told otherwise', () => {
    expect(parseBenchArgs([])).toMatchObject({ shapes: ['embedded'], databaseUrl: DATABASE_URL_DEFAULT });
  });

  it('measure both shapes, embedded first', () => {
    expect(parseBenchArgs(['--shape', 'both'])).toMatchObject({ shapes: ['embedded', 'distributed'] });
  });

  it('refuse an unknown shape, a database URL that is not postgres://, and --memory with a shape', () => {
    expect(() => parseBenchArgs(['--shape', 'cluster'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--shape', 'toString'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--database-url', 'mysql://x@y/z'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--memory', '--shape', 'distributed'])).toThrow(UsageError);
  });
});

describe('children’s environment', () => {
  it('passes on where things are, and no setting of the caller', () => {
    const caller = {
      PATH: '/usr/bin',
      HOME: '/root',
      REDIS_URL: 'redis://10.0.0.1:6379',
      DATABASE_URL: 'postgres://prod/db',
      PORT: '80',
      BOXOFFICE_PROJECTOR: 'in-process',
      NODE_OPTIONS: '--inspect',
    };
    expect(childEnvironment(caller, { BOXOFFICE_PROJECTOR: 'off' })).toEqual({
      PATH: '/usr/bin',
      HOME: '/root',
      BOXOFFICE_PROJECTOR: 'off',
    });
  });
});

function result(
  name: ScenarioResult['name'],
  requestsPerSecond: number,
  latencyMsP99: number,
): ScenarioResult {
  return {
    name,
    shape: 'distributed',
    label: name,
    requestsPerSecond,
    latencyMsP50: 1,
    latencyMsP99,
    latencyMsMax: latencyMsP99,
    wrk: {
      durationUs: 1,
      requests: 1,
      bytes: 1,
      non2xx: 0,
      connectErrors: 0,
      readErrors: 0,
      writeErrors: 0,
      timeouts: 0,
      latencyUsP50: 1,
      latencyUsP99: 1,
      latencyUsMax: 1,
      latencyUsMean: 1,
    },
    cpu: undefined,
    serverRssBytes: undefined,
    server: undefined,
    problems: [],
  };
}

describe('distributed targets', () => {
  const ceiling = result('ceiling', 40_000, 4);

  it('ask 0.4 of the ceiling within 10 ms p99 of accepted holds', () => {
    expect(judge(result('accepted', 16_000, 10), ceiling).verdict).toBe('PASS');
    expect(judge(result('accepted', 15_900, 5), ceiling).verdict).toBe('FAIL');
    expect(judge(result('accepted', 30_000, 10.1), ceiling).verdict).toBe('FAIL');
  });

  it('ask 0.85 of the ceiling of refusals', () => {
    expect(judge(result('rejected', 34_000, 50), ceiling).verdict).toBe('PASS');
    expect(judge(result('rejected', 33_900, 1), ceiling).verdict).toBe('FAIL');
  });
});

const UNDER_LOAD: ProjectorUnderLoad = {
  measuredSeconds: 10,
  entriesProjected: 250_000,
  entriesPerSecond: 25_000,
  lagSecondsMax: 0.2,
  backlogEntriesMax: 3_000,
  samples: 40,
  backlogAtEndEntries: 500,
  drainAfterRunMs: 40,
  batches: 2_000,
  batchEntriesMean: 125,
  batchMsMean: 3,
};
const DRAIN: ProjectorBacklogDrain = {
  loadSeconds: 10,
  loadRequestsPerSecond: 30_000,
  backlogEntries: 300_000,
  timedEntries: 299_000,
  drainSeconds: 5,
  entriesPerSecond: 59_800,
  cpuMicrosecondsPerEntry: undefined,
  batches: 300,
  batchEntriesMean: 1_000,
  batchMsMean: 14,
};

describe('projector targets', () => {
  it('pass a lag under 1 s with a quick tail, and a drain of 50,000 entries/s', () => {
    const judged = judgeProjector(UNDER_LOAD, DRAIN, []);
    expect([judged.lagVerdict, judged.drainVerdict]).toEqual(['PASS', 'PASS']);
  });

  it('fail a lag of 1 s or a tail of 1 s, and a slower drain', () => {
    expect(judgeProjector({ ...UNDER_LOAD, lagSecondsMax: 1 }, DRAIN, []).lagVerdict).toBe('FAIL');
    expect(judgeProjector({ ...UNDER_LOAD, drainAfterRunMs: 1_000 }, DRAIN, []).lagVerdict).toBe('FAIL');
    expect(judgeProjector(UNDER_LOAD, { ...DRAIN, entriesPerSecond: 49_999 }, []).drainVerdict).toBe('FAIL');
  });

  it('call what was not measured, or went wrong, an error', () => {
    expect(judgeProjector(undefined, undefined, []).lagVerdict).toBe('ERROR');
    expect(judgeProjector({ ...UNDER_LOAD, drainAfterRunMs: undefined }, DRAIN, []).lagVerdict).toBe('FAIL');
    expect(judgeProjector(UNDER_LOAD, DRAIN, ['worker died']).drainVerdict).toBe('ERROR');
  });
});

describe('CPU split with companions', () => {
  it('names Redis, the worker and PostgreSQL, and leaves the rest as other', () => {
    // 10 s at 100 ticks/s: 1,000 ticks are one core.
    const split = cpuSplit(10, { busy: 1_800, total: 2_000 }, 900, 300, [
      { name: 'redis', ticks: 200 },
      { name: 'worker', ticks: 250 },
    ]);
    expect(split.companions).toEqual([
      { name: 'redis', percent: 20 },
      { name: 'worker', percent: 25 },
    ]);
    expect(split.otherPercent).toBeCloseTo(15);
  });
});
