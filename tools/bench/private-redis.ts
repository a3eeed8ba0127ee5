// The distributed shape's Redis for one bench run: a private redis-server on a free port of 127.0.0.1, in a
// temporary directory, with the recommended persistence of the README (AOF, fsync every second, no RDB
// snapshots), so that every accepted hold pays for its AOF write as in production.
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import type { ChildEnvironment } from './child-env.js';
import { Child, freePort } from './processes.js';

/** redis-server loads nothing at start (a fresh dir), so it answers PING within a few hundred ms. */
const READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 50;

export interface PrivateRedis {
  readonly child: Child;
  readonly url: string;
}

/** The installed redis-server's version line, or undefined when there is none on the PATH. */
export function redisServerVersion(): string | undefined {
  const answer = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (answer.error !== undefined) return undefined;
  return answer.stdout.split('\n', 1)[0]?.trim() || 'redis-server';
}

export async function startPrivateRedis(dir: string, env: ChildEnvironment): Promise<PrivateRedis> {
  const port = await freePort();
  const child = new Child(
    'redis-server',
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
    ],
    env,
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(child, port);
  return { child, url };
}

async function waitForPing(child: Child, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!child.alive) throw new Error(`redis-server exited at start:\n${child.describeOutput()}`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // Not listening yet.
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms.`);
}
