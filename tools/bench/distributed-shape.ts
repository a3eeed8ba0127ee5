// The distributed shape for the bench, started and bounded by the bench itself: a private redis-server with
// AOF (fsync every second), a throwaway PostgreSQL database, one `boxoffice serve` with the projector off and
// one `boxoffice worker`, as the README's "Distributed shape" runs them on one machine (minus nginx and the
// second API process). Every child gets an explicit environment.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ChildEnvironment, childEnvironment } from '../harness/child-env.js';
import { Child, freePort, waitUntilReady } from '../harness/processes.js';
import { type PrivateRedis, redisServerVersion, startPrivateRedis } from '../harness/redis-server.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../harness/throwaway-database.js';
import { type BenchOptions, rateLimitSettings } from './options.js';
import type { BacklogDrainServices, RunningWorker } from './projector-backlog-drain.js';
import { LogBacklog } from './projector-probe.js';
import {
  type ProjectorUnderLoad,
  type ProjectorUnderLoadProbe,
  projectorUnderLoadProbe,
} from './projector-under-load.js';
import type { Companion, ScenarioProbe } from './scenario.js';
import { ACCEPTED_EVENT_ID, SOLD_OUT_EVENT_ID } from './setup-events.js';
import {
  ADMIN_TOKEN,
  authServeFlags,
  CLI_JS,
  exitProblems,
  profileFlags,
  type ShapeUnderTest,
} from './shape-under-test.js';

export class DistributedShape implements ShapeUnderTest {
  readonly shape = 'distributed';
  readonly description =
    'distributed: one API process (projector off), redis-server with AOF everysec, one projector worker, PostgreSQL';
  readonly #options: BenchOptions;
  readonly #env: ChildEnvironment;
  #redis: PrivateRedis | undefined;
  #database: ThrowawayDatabase | undefined;
  #server: { child: Child; url: string } | undefined;
  #worker: RunningWorker | undefined;
  #workersStarted = 0;
  #backlog: LogBacklog | undefined;
  #acceptedProbe: ProjectorUnderLoadProbe | undefined;

  private constructor(options: BenchOptions, env: ChildEnvironment) {
    this.#options = options;
    this.#env = env;
  }

  /** Starts every service; on failure, stops what had started and throws. */
  static async start(
    options: BenchOptions,
    root: string,
    env: ChildEnvironment,
    log: (line: string) => void,
  ): Promise<DistributedShape> {
    if (redisServerVersion() === undefined) {
      throw new Error('redis-server is not on the PATH (`apt-get install redis-server`): needed by --shape.');
    }
    const shape = new DistributedShape(options, env);
    try {
      await shape.#start(root, log);
      return shape;
    } catch (error) {
      await shape.stop();
      throw error;
    }
  }

  async #start(root: string, log: (line: string) => void): Promise<void> {
    log('distributed: starting redis-server (AOF everysec) and creating a PostgreSQL database…');
    const redisDir = join(root, 'redis');
    mkdirSync(redisDir, { recursive: true });
    this.#redis = await startPrivateRedis(redisDir, this.#env);
    this.#backlog = new LogBacklog(this.#redis.url, [ACCEPTED_EVENT_ID, SOLD_OUT_EVENT_ID]);
    this.#acceptedProbe = projectorUnderLoadProbe(
      this.#backlog,
      () => `${this.#runningWorker().baseUrl}/metrics`,
      () => this.#companions(),
    );
    this.#database = await createThrowawayDatabase(this.#options.databaseUrl);
    log(`distributed: database ${this.#database.name}; starting the API process and a projector worker…`);
    const port = await freePort();
    const child = new Child(
      'boxoffice server (distributed)',
      process.execPath,
      [
        ...profileFlags(this.#options.cpuProfileDir, 'boxoffice-server-distributed'),
        CLI_JS,
        'serve',
        ...['--port', String(port), '--host', '127.0.0.1'],
        ...['--admin-token', ADMIN_TOKEN, '--log-level', 'warn'],
        ...authServeFlags(this.#options.auth),
      ],
      childEnvironment(this.#env, {
        ...rateLimitSettings(this.#options.rateLimits),
        REDIS_URL: this.#redis.url,
        DATABASE_URL: this.#database.url,
        BOXOFFICE_PROJECTOR: 'off',
      }),
    );
    this.#server = { child, url: `http://127.0.0.1:${port}` };
    // The server migrates the schema; the worker starts after it, so the two never migrate at once.
    await waitUntilReady(child, this.#server.url);
    this.#worker = await this.#startWorker();
    await waitUntilReady(this.#worker.child, this.#worker.baseUrl);
  }

  get server(): Child {
    return this.#started().child;
  }

  get serverUrl(): string {
    return this.#started().url;
  }

  /** The projector during the accepted run, once that run has ended. */
  get projectorUnderLoad(): ProjectorUnderLoad | undefined {
    return this.#acceptedProbe?.result;
  }

  probeOf(scenario: 'accepted' | 'rejected'): ScenarioProbe | undefined {
    return scenario === 'accepted' ? this.#acceptedProbe : { companions: () => this.#companions() };
  }

  /** What the backlog drain needs: stop the worker, load, start another worker. */
  drainServices(load: BacklogDrainServices['load']): BacklogDrainServices {
    return {
      backlog: this.#backlog as LogBacklog,
      stopWorker: async () => {
        const worker = this.#runningWorker();
        this.#worker = undefined;
        await worker.child.stop();
        return exitProblems(worker.child);
      },
      startWorker: async () => {
        this.#worker = await this.#startWorker();
        return this.#worker;
      },
      load,
      redisPid: (this.#redis as PrivateRedis).child.pid,
      postgresPids: () => (this.#database as ThrowawayDatabase).backendPids(),
    };
  }

  async stop(): Promise<string[]> {
    const problems: string[] = [];
    this.#backlog?.close();
    for (const child of [this.#worker?.child, this.#server?.child, this.#redis?.child]) {
      if (child === undefined) continue;
      await child.stop();
      problems.push(...exitProblems(child));
    }
    try {
      await this.#database?.drop();
    } catch (error) {
      problems.push(`dropping database ${this.#database?.name}: ${(error as Error).message}`);
    }
    return problems;
  }

  async #startWorker(): Promise<RunningWorker> {
    const number = ++this.#workersStarted;
    const port = await freePort();
    const child = new Child(
      `projector worker ${number}`,
      process.execPath,
      [
        ...profileFlags(this.#options.cpuProfileDir, `projector-worker-${number}`),
        CLI_JS,
        'worker',
        ...['--redis-url', (this.#redis as PrivateRedis).url],
        ...['--database-url', (this.#database as ThrowawayDatabase).url],
        ...['--metrics-port', String(port), '--metrics-host', '127.0.0.1'],
        ...['--consumer', `bench-worker-${number}`, '--log-level', 'warn'],
        ...['--projector-lanes', String(this.#options.projectorLanes)],
      ],
      this.#env,
    );
    return { child, baseUrl: `http://127.0.0.1:${port}` };
  }

  async #companions(): Promise<readonly Companion[]> {
    const companions: Companion[] = [{ name: 'redis', pids: [(this.#redis as PrivateRedis).child.pid] }];
    if (this.#worker !== undefined) companions.push({ name: 'worker', pids: [this.#worker.child.pid] });
    companions.push({ name: 'postgres', pids: await (this.#database as ThrowawayDatabase).backendPids() });
    return companions;
  }

  #started(): { child: Child; url: string } {
    if (this.#server === undefined) throw new Error('The distributed shape has not started.');
    return this.#server;
  }

  #runningWorker(): RunningWorker {
    if (this.#worker === undefined) throw new Error('No projector worker is running.');
    return this.#worker;
  }
}
