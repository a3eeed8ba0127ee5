import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Test tiers (README, "Tests"). A file is in `unit` only when listed here or named `*.unit.test.ts`; any
// other file lands in a tier with services by its path, and a path no tier names lands in `integration`,
// so a new test never runs without the Redis or PostgreSQL it may need.

/** Tests that need no service at all: no Redis, PostgreSQL, PGlite, child process or browser. */
const UNIT = [
  '**/*.unit.test.ts',
  'tools/bench/bench.test.ts',
  'tools/bench/distributed-bench.test.ts',
  'src/cli/worker-usage.test.ts',
  'src/config.test.ts',
  'src/domain/best-available.test.ts',
  'src/domain/event-spec.test.ts',
  'src/domain/hold-request.test.ts',
  'src/domain/ids.test.ts',
  'src/gate/memory/expiry-heap.test.ts',
  'src/gate/memory/memory-gate.test.ts',
  'src/gate/redis/unavailable.test.ts',
  'src/http/body-rules.test.ts',
  'src/journal/group-commit.test.ts',
  'src/live/embedded-feed.test.ts',
  'src/live/event-channel.test.ts',
  'src/live/pending-changes.test.ts',
  'src/metrics/event-gauges.test.ts',
  'src/metrics/fixed-histogram.test.ts',
  'src/metrics/instrumented-gate.test.ts',
  'src/log/boundaries.test.ts',
  'src/log/redis/lua-constants.test.ts',
  'src/log/redis/redis-replies.test.ts',
  'src/queue/memory/draw-order.test.ts',
  'src/queue/memory/live-order.test.ts',
  'src/ratelimit/memory-counter.test.ts',
  'src/store/pglite/data-dir-lock.test.ts',
  'src/store/unavailable.test.ts',
  'test/access/redaction.test.ts',
  'test/deploy/dockerfile.test.ts',
  'test/deploy/kubernetes.test.ts',
  'test/http/error-catalogue.test.ts',
  'test/loadtest/chart.test.ts',
  'test/loadtest/latency.test.ts',
  'test/loadtest/options.test.ts',
  'test/loadtest/progress.test.ts',
  'test/loadtest/verdict.test.ts',
];
/** Tests that drive Chromium. */
const BROWSER = ['test/browser/**/*.test.ts'];
/** Tests that start boxoffice (or nginx, compose, a private PostgreSQL) as processes, kill them, or cut services. */
const PROCESSES = ['test/faults/**/*.test.ts', 'test/distributed/**/*.test.ts', 'test/deploy/**/*.test.ts'];
const ALL = ['src/**/*.test.ts', 'tools/**/*.test.ts', 'test/**/*.test.ts'];

/** A tier with services: real Redis and PostgreSQL, PGlite from the prepared template, the built dist/. */
function withServices(name: string, include: string[], exclude: string[]): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: {
      name,
      include,
      exclude: [...exclude, '**/node_modules/**'],
      globalSetup: ['test/support/global-setup.ts'],
      // Children still running when a test process ends are killed (test/support/exit-cleanup.ts).
      setupFiles: ['test/support/service-tier.ts'],
    },
  };
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites isolate their state (own data dir, own event ids), so files run in parallel; two cores here.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // No global set-up: nothing is prepared, and a unit test that opens a connection or starts a
        // process fails (test/support/unit-tier.ts). Pure tests share their worker processes (isolate:
        // false), which makes the tier about three times faster.
        test: { name: 'unit', include: UNIT, setupFiles: ['test/support/unit-tier.ts'], isolate: false },
      },
      withServices('integration', ALL, [...UNIT, ...BROWSER, ...PROCESSES]),
      withServices('processes', PROCESSES, UNIT),
      withServices('browser', BROWSER, UNIT),
    ],
  },
});
