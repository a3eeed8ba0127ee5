// The image built and run for real, where this machine can run containers: scripts/container/smoke.sh
// (healthy on /readyz, not root, tini as PID 1, a sale audited, SIGTERM ends it with exit 0 after draining).
// It needs podman and a base image, so it runs only when BOXOFFICE_TEST_CONTAINER_BASE names one (for
// example the one scripts/container/local-base.sh makes with no registry); PODMAN and RUN_FLAGS pass through.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/redis-server.js';

const BASE = process.env.BOXOFFICE_TEST_CONTAINER_BASE;
/** A cold build runs npm ci twice and apt-get once; on two shared cores that takes minutes. */
const SMOKE_TIMEOUT_MS = 15 * 60_000;

function enabled(): boolean {
  if (BASE !== undefined && BASE !== '') return true;
  process.stderr.write('\n!!! SKIPPING the container smoke test: set BOXOFFICE_TEST_CONTAINER_BASE\n\n');
  return false;
}

describe.runIf(enabled())('container image', () => {
  it('builds, runs healthy as a non-root user under tini, and stops cleanly on SIGTERM', {
    timeout: SMOKE_TIMEOUT_MS + 10_000,
  }, async () => {
    const port = await freePort();
    const result = spawnSync('scripts/container/smoke.sh', {
      env: { ...process.env, BASE_IMAGE: BASE, SMOKE_PORT: String(port) },
      encoding: 'utf8',
      timeout: SMOKE_TIMEOUT_MS,
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`.slice(-4_000)).toBe(0);
  });
});
