import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites isolate their state (own data dir, own event ids), so files run in parallel; two cores here.
    pool: 'forks',
    maxWorkers: 2,
  },
});
