// The distributed shape as real processes for tests: `boxoffice serve` and `boxoffice worker` children of
// dist/cli/main.js, each with its own environment, ready once it answers (GET /readyz of an API process,
// GET /healthz of a worker's metrics port), its output kept for failure messages. `kill9()` is SIGKILL: no
// shutdown, no goodbye. A ProcessGroup kills whatever it started and is still running.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { unacknowledgedCount as unprojected } from '../../src/log/redis/unacknowledged.js';
import { builtCli } from '../../tools/harness/built-cli.js';
import { withoutServerSettings } from '../../tools/harness/child-env.js';
import { Child, onFreePort, untilAnswers } from '../../tools/harness/processes.js';
import { type HttpResult, httpClient } from './http.js';
import { type ThrowawayDatabase, throwawayDatabase } from './postgres.js';
import { freePort, type RedisServer, startRedis } from './redis-server.js';

export const ADMIN_TOKEN = 'process-test-admin-token-0123456789';
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** A child that does not answer within this long has failed to start (two shared cores, cold Node). */
const READY_TIMEOUT_MS = 30_000;
/** A SIGTERM that does not end the child within this long is followed by SIGKILL. */
const STOP_TIMEOUT_MS = 5_000;

export interface Backends {
  readonly redisUrl: string;
  readonly databaseUrl: string;
}

export interface ChildService {
  readonly name: string;
  /** API process: its base URL; worker: the base URL of its metrics server. */
  readonly url: string;
  readonly pid: number;
  running(): boolean;
  output(): string;
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not ended in time. */
  stop(): Promise<void>;
}

/** The children of one suite. */
export class ProcessGroup {
  readonly #backends: Backends;
  readonly #children: ChildService[] = [];
  readonly #pickPort: () => Promise<number>;

  /** `pickPort`: where a child's port comes from (freePort; a test hands out a taken one to see the retry). */
  constructor(backends: Backends, pickPort: () => Promise<number> = freePort) {
    this.#backends = backends;
    this.#pickPort = pickPort;
  }

  /**
   * `boxoffice serve` in the distributed shape, with no projector of its own. Rate limits are off unless
   * `extra` sets them: the suites fire thousands of requests from 127.0.0.1.
   */
  async api(name: string, extra: Record<string, string> = {}): Promise<ChildService> {
    return this.#onFreePort(async (port) => {
      const env = {
        ...extra,
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_URL: this.#backends.redisUrl,
        DATABASE_URL: this.#backends.databaseUrl,
        BOXOFFICE_ADMIN_TOKEN: ADMIN_TOKEN,
        BOXOFFICE_PROJECTOR: 'off',
        BOXOFFICE_RATE_LIMIT_PER_IP: 'off',
        BOXOFFICE_RATE_LIMIT_PER_BUYER: 'off',
        LOG_LEVEL: 'warn',
        ...extra,
      };
      return this.#start(name, ['serve'], env, `http://127.0.0.1:${port}`, '/readyz');
    });
  }

  /** `boxoffice worker`: a projector with its consumer name in the group set to `name`. */
  async worker(name: string, extra: Record<string, string> = {}): Promise<ChildService> {
    return this.#onFreePort(async (port) => {
      const env = {
        ...extra,
        REDIS_URL: this.#backends.redisUrl,
        DATABASE_URL: this.#backends.databaseUrl,
        BOXOFFICE_METRICS_PORT: String(port),
        BOXOFFICE_PROJECTOR_CONSUMER: name,
        LOG_LEVEL: 'warn',
      };
      return this.#start(name, ['worker'], env, `http://127.0.0.1:${port}`, '/healthz');
    });
  }

  /**
   * Starts a child on a port that was free a moment ago. Another process on the machine may bind it in
   * between (the port is only reserved by binding it); a child that then fails with EADDRINUSE is started
   * again on another port.
   */
  #onFreePort(start: (port: number) => Promise<ChildService>): Promise<ChildService> {
    let before = 0;
    const started = (port: number) => {
      before = this.#children.length;
      return start(port);
    };
    const portTaken = async () => {
      const failed = this.#children[before];
      if (failed === undefined || !failed.output().includes('EADDRINUSE')) return false;
      await failed.kill9();
      this.#children.splice(before, 1);
      return true;
    };
    return onFreePort(started, portTaken, this.#pickPort);
  }

  /** The output of every child, for a failure message. */
  outputs(): string {
    return this.#children
      .map((child) => `--- ${child.name} (pid ${child.pid}) ---\n${child.output()}`)
      .join('\n');
  }

  async killAll(): Promise<void> {
    await Promise.all(this.#children.map((child) => child.kill9()));
  }

  async #start(
    name: string,
    args: readonly string[],
    settings: Record<string, string>,
    url: string,
    readyPath: string,
  ): Promise<ChildService> {
    // Each child gets none of the parent's settings, only what it is given.
    const env = { ...withoutServerSettings(process.env), ...settings };
    const child = new Child(name, process.execPath, [builtCli(), ...args], env, { detached: false });
    const service = serviceOf(child, url);
    this.#children.push(service);
    await untilAnswers(
      service.url + readyPath,
      { name, alive: service.running, output: service.output },
      READY_TIMEOUT_MS,
    );
    return service;
  }
}

function serviceOf(child: Child, url: string): ChildService {
  return {
    name: child.name,
    url,
    pid: child.process.pid ?? -1,
    running: () => child.alive,
    output: () => child.output,
    async kill9() {
      child.kill();
      await child.exited.catch(() => {});
    },
    stop: () => child.stop(STOP_TIMEOUT_MS),
  };
}

type Client = ReturnType<typeof httpClient>;

/** API processes, workers and an HTTP client per API process, started together. */
export interface Deployment {
  readonly group: ProcessGroup;
  readonly apis: readonly ChildService[];
  readonly workers: readonly ChildService[];
  /** clients[i] talks to apis[i]. */
  readonly clients: readonly Client[];
  close(): Promise<void>;
}

export async function deploy(
  backends: Backends,
  shape: {
    readonly apis: number;
    readonly workers: readonly string[];
    /** Extra settings of every worker (e.g. a short claim idle time). */
    readonly workerEnv?: Record<string, string>;
    /** Extra settings of every API process (e.g. BOXOFFICE_REDIS_PERSISTENCE for a Redis without AOF, rate limits, buyer verification). */
    readonly apiEnv?: Record<string, string>;
  },
): Promise<Deployment> {
  const group = new ProcessGroup(backends);
  try {
    // Every process migrates the fresh database at once: the migration lock serialises them.
    const [apis, workers] = await Promise.all([
      Promise.all(Array.from({ length: shape.apis }, (_, i) => group.api(`api-${i + 1}`, shape.apiEnv))),
      Promise.all(shape.workers.map((name) => group.worker(name, shape.workerEnv))),
    ]);
    const clients = apis.map((api) => httpClient(api.url, 128));
    return {
      group,
      apis,
      workers,
      clients,
      async close() {
        await Promise.all(clients.map((client) => client.close()));
        await group.killAll();
      },
    };
  } catch (error) {
    await group.killAll();
    throw error;
  }
}

type Send = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<HttpResult>;

/**
 * The event's audit once the workers have projected and acknowledged every log entry (the projector group
 * has nothing pending and nothing undelivered), so that no worker is committing while the audit reads.
 */
export async function projectedAudit(
  send: Send,
  redisUrl: string,
  eventId: string,
  timeoutMs = 20_000,
): Promise<any> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    const deadline = Date.now() + timeoutMs;
    let left = await unprojected(redis, eventId);
    while (left > 0) {
      if (Date.now() > deadline)
        throw new Error(`${left} log entries of ${eventId} unprojected after ${timeoutMs} ms`);
      await sleep(50);
      left = await unprojected(redis, eventId);
    }
  } finally {
    redis.disconnect();
  }
  const audit = await send('GET', `/v1/events/${eventId}/audit`, undefined, admin);
  if (audit.status !== 200) throw new Error(`audit answered ${audit.status}: ${JSON.stringify(audit.body)}`);
  return audit.body;
}

export interface DeployedSale {
  /** Private, with AOF everysec: fault tests kill and restart it. */
  readonly redis: RedisServer;
  readonly database: ThrowawayDatabase;
  readonly deployment: Deployment;
}

/** For a suite: a private Redis, a throwaway database and the processes of `shape`, handed to `receive`. */
export function useDeployment(
  shape: Parameters<typeof deploy>[1],
  receive: (sale: DeployedSale) => void,
): void {
  let sale: DeployedSale | undefined;
  let backends: { redis?: RedisServer; database?: ThrowawayDatabase } = {};
  beforeAll(async () => {
    const [redis, database] = await Promise.all([startRedis({ appendOnly: true }), throwawayDatabase()]);
    backends = { redis, database };
    sale = {
      redis,
      database,
      deployment: await deploy({ redisUrl: redis.url, databaseUrl: database.url }, shape),
    };
    receive(sale);
  });
  afterAll(async () => {
    await sale?.deployment.close();
    await backends.database?.drop();
    await backends.redis?.stop();
  });
}
