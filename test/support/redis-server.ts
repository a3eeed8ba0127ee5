// Private redis-server instances for tests: one per suite on a free port, in a temp dir, so fault tests can
// kill and restart them without touching the machine's shared Redis. A missing redis-server binary fails
// the run under CI=true and skips loudly elsewhere (redisAvailable()).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../tools/harness/processes.js';
import { redisServerArgs, redisServerVersion, waitForPing } from '../../tools/harness/redis-server.js';
import { cleanupAtExit } from './exit-cleanup.js';

export { freePort };

export function redisAvailable(): boolean {
  if (redisServerVersion() !== undefined) return true;
  if (process.env.CI === 'true') throw new Error('redis-server is not on PATH (required under CI=true).');
  process.stderr.write('\n!!! SKIPPING Redis suites: no redis-server on PATH\n\n');
  return false;
}

export interface RedisServerOptions {
  /** AOF with appendfsync everysec (the distributed shape's recommended setting); off by default. */
  readonly appendOnly?: boolean;
  readonly cluster?: boolean;
  readonly port?: number;
  readonly dir?: string;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** kill -9: no shutdown save, no goodbye. */
  kill9(): Promise<void>;
  /** Starts again on the same port and dir (AOF, if on, is replayed). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'boxoffice-redis-'));
  const args = redisServerArgs(port, dir, {
    appendOnly: options.appendOnly ?? false,
    cluster: options.cluster,
  });
  let child: ChildProcess | undefined;
  const launch = async () => {
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    child = started;
    await waitForPing(port, () => started.exitCode === null && started.signalCode === null);
  };
  const forget = cleanupAtExit(
    `redis-server on port ${port} (${dir})`,
    () => {
      child?.kill('SIGKILL');
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
    'stop',
  );
  try {
    await launch();
  } catch (error) {
    child?.kill('SIGKILL');
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    forget();
    throw error;
  }
  const exited = () =>
    new Promise<void>((resolveExit) => {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) resolveExit();
      else child.once('exit', () => resolveExit());
    });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async kill9() {
      child?.kill('SIGKILL');
      await exited();
    },
    async restart() {
      await launch();
    },
    async stop() {
      child?.kill('SIGKILL');
      await exited();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
}

export interface RedisCluster {
  readonly nodes: readonly { host: string; port: number }[];
  stop(): Promise<void>;
}

/** Three (or `masters`) cluster-enabled servers joined into one cluster with no replicas. */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const servers: RedisServer[] = [];
  for (let i = 0; i < masters; i++) servers.push(await startRedis({ cluster: true }));
  execFileSync(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...servers.map((s) => `127.0.0.1:${s.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
    { stdio: 'ignore' },
  );
  await waitForClusterOk(servers[0] as RedisServer);
  return {
    nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

async function waitForClusterOk(server: RedisServer): Promise<void> {
  const client = new Redis(server.port, '127.0.0.1');
  try {
    const deadline = Date.now() + 15_000;
    while (!String(await client.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error('Redis Cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.disconnect();
  }
}
