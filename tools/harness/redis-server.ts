// Private redis-server instances, for the bench and for the tests: each on a free port of 127.0.0.1 in a
// directory of its own, so that a run never touches the machine's shared Redis. The bench's has the
// recommended persistence of the README (AOF, fsync every second, no RDB snapshots), so that every accepted
// hold pays for its AOF write as in production; test/support/redis-server.ts starts the tests' from here too.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
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

export interface RedisServerSettings {
  /** AOF with appendfsync everysec (the distributed shape's recommended setting); never RDB snapshots. */
  readonly appendOnly: boolean;
  readonly cluster?: boolean;
}

/** The command line of a private redis-server on 127.0.0.1:`port`, keeping its files in `dir`. */
export function redisServerArgs(port: number, dir: string, settings: RedisServerSettings): string[] {
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--protected-mode', 'no'],
    ...['--appendonly', settings.appendOnly ? 'yes' : 'no', '--appendfsync', 'everysec', '--save', ''],
  ];
  if (settings.cluster) args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf');
  return args;
}

/** The bench's: AOF on, a child of the run (stopped with the others on an error or Ctrl-C). */
export async function startPrivateRedis(dir: string, env: ChildEnvironment): Promise<PrivateRedis> {
  const port = await freePort();
  const child = new Child(
    'redis-server',
    'redis-server',
    redisServerArgs(port, dir, { appendOnly: true }),
    env,
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(
    port,
    () => child.alive,
    () => child.describeOutput(),
  );
  return { child, url };
}

/**
 * Until the server on `port` answers PONG; fails early when `alive` says it has exited. A restarted server
 * with AOF answers LOADING until the file is replayed, and is waited for too.
 */
export async function waitForPing(
  port: number,
  alive: () => boolean = () => true,
  output: () => string = () => '(no output kept)',
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`redis-server exited at start:\n${output()}`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // Not listening yet, or still loading.
    } finally {
      probe.disconnect();
    }
    await sleep(READY_POLL_MS);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms.`);
}
