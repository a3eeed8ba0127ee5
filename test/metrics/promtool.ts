// promtool (Debian's `prometheus` package) for the tests that lint the exposition and check deploy/.
// Missing, it fails the run under CI=true and skips loudly elsewhere, like the PostgreSQL store suite.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface PromtoolRun {
  /** 0 valid; 1 invalid; 3 valid with lint problems. */
  readonly status: number | null;
  readonly output: string;
}

export function deployFile(name: string): string {
  return fileURLToPath(new URL(`../../deploy/${name}`, import.meta.url));
}

/** Whether promtool runs; throws under CI=true when it does not. Call at module level, for it.skipIf. */
export function promtoolAvailable(suite: string): boolean {
  const probe = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (probe.error === undefined && probe.status === 0) return true;
  if (process.env.CI === 'true')
    throw new Error(`promtool is not on PATH (required under CI=true): ${suite}`);
  process.stderr.write(`\n!!! SKIPPING ${suite}: promtool is not on PATH (apt-get install prometheus)\n\n`);
  return false;
}

export function promtool(args: readonly string[], stdin?: string): PromtoolRun {
  const run = spawnSync('promtool', args, { input: stdin, encoding: 'utf8', timeout: 30_000 });
  if (run.error !== undefined) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
