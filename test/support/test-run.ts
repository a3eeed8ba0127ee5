// What identifies one test run (`vitest run` with the service tiers): a run dir made by the global set-up,
// inside which every test process's TMPDIR lies, and a tag in the names of the databases it creates. The
// global teardown looks for leftovers by these (test/support/leftovers.ts).
import { basename } from 'node:path';

/** The run dir; test processes and their children inherit it. */
export const RUN_DIR_VARIABLE = 'BOXOFFICE_TEST_RUN_DIR';
export const RUN_DIR_PREFIX = 'boxoffice-run-';

/** The run's tag (lowercase hex), or `x` outside a run. */
export function runTag(): string {
  const runDir = process.env[RUN_DIR_VARIABLE];
  return runDir === undefined ? 'x' : basename(runDir).slice(RUN_DIR_PREFIX.length);
}

/** Names of throwaway databases of the run tagged `tag` start with this. */
export function databasePrefix(tag = runTag()): string {
  return `boxoffice_test_${tag}_`;
}
