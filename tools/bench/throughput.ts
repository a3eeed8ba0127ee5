// The throughput run: the bare ceiling as a child process, then per shape (embedded, distributed or both)
// the shape's processes, and the ceiling, holds accepted and holds rejected, each driven by the same wrk
// script, one after the other so that they never share the machine. The ceiling is measured again just
// before each shape, so a shape's ratios compare runs a few seconds apart on a machine whose load drifts.
// The distributed shape ends with its projector draining a backlog.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ChildEnvironment, childEnvironment } from '../harness/child-env.js';
import { Child, freePort, removeTemporaryDir, temporaryDir, waitUntilReady } from '../harness/processes.js';
import { writeBuyerTokenPool } from './buyer-token-pool.js';
import { DistributedShape } from './distributed-shape.js';
import { startEmbeddedShape } from './embedded-shape.js';
import { type BenchOptions, rateLimitSettings, type Shape } from './options.js';
import { backgroundBusyPercent } from './proc.js';
import { measureBacklogDrain } from './projector-backlog-drain.js';
import { runScenario, type Scenario, type ScenarioResult, wrkRunOf } from './scenario.js';
import { ACCEPTED_EVENT_ID, createBenchEvents, POOL_ID, SOLD_OUT_EVENT_ID } from './setup-events.js';
import { ADMIN_TOKEN, exitProblems, profileFlags, type ShapeUnderTest } from './shape-under-test.js';
import { type Judged, type JudgedProjector, judge, judgeProjector } from './targets.js';
import { wrkVersion } from './wrk.js';

const BARE_SERVER_JS = fileURLToPath(new URL('./bare-server.js', import.meta.url));
/** Sampled before starting: other work on the machine makes every figure noisy. */
const BACKGROUND_SAMPLE_MS = 1_000;

export interface ThroughputReport {
  readonly startedAt: string;
  readonly machine: {
    readonly cores: number;
    readonly cpuModel: string;
    readonly node: string;
    readonly wrk: string;
  };
  readonly settings: {
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly connections: number;
    readonly threads: number;
    readonly shapes: readonly Shape[];
    readonly rateLimits: 'on' | 'off';
  };
  /** Percent of one core busy before the run started: anything high means noisy figures. */
  readonly backgroundBusyPercent: number | undefined;
  /** The 1, 5 and 15 minute load averages when the run started and when it ended. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  /** One line per shape measured: its processes and services. */
  readonly shapes: readonly { readonly shape: Shape; readonly description: string }[];
  readonly scenarios: readonly Judged[];
  /** Distributed shape: the projector under the accepted load and draining a backlog. */
  readonly projector: JudgedProjector | undefined;
  /** Why the run is invalid (a server died, unexpected statuses); empty when valid. */
  readonly problems: readonly string[];
}

interface Measurements {
  readonly results: ScenarioResult[];
  readonly problems: string[];
  readonly shapes: { shape: Shape; description: string }[];
  projector: JudgedProjector | undefined;
}

export async function runThroughput(
  options: BenchOptions,
  log: (line: string) => void,
  callerEnv: Readonly<Record<string, string | undefined>>,
): Promise<ThroughputReport> {
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  const background = await backgroundBusyPercent(BACKGROUND_SAMPLE_MS);
  if (background !== undefined && background > 25) {
    log(
      `warning: the machine is already ${background.toFixed(0)}% busy (of one core); figures will be noisy`,
    );
  }
  const env = childEnvironment(callerEnv, rateLimitSettings(options.rateLimits));
  const root = temporaryDir('boxoffice-bench-');
  const measured: Measurements = { results: [], problems: [], shapes: [], projector: undefined };
  let bare: Child | undefined;
  try {
    const barePort = await freePort();
    const profile = profileFlags(options.cpuProfileDir, 'bare-server');
    bare = new Child(
      'bare Fastify server',
      process.execPath,
      [...profile, BARE_SERVER_JS, String(barePort)],
      env,
    );
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await waitUntilReady(bare, bareUrl);
    for (const shape of options.shapes) {
      await measureShape(shape, { child: bare, url: bareUrl }, options, { root, env, log }, measured);
      if (!bare.alive) break;
    }
  } catch (error) {
    measured.problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    if (bare !== undefined) {
      await bare.stop();
      measured.problems.push(...exitProblems(bare));
    }
    removeTemporaryDir(root);
  }
  // Ratios are to the ceiling, except a buyer-token run's: to the open run of the same holds.
  const baselineOf = (result: ScenarioResult) => {
    const name = result.name.endsWith('-verified') ? result.name.replace('-verified', '') : 'ceiling';
    return measured.results.find((other) => other.name === name && other.shape === result.shape);
  };
  return {
    startedAt,
    machine: machineOf(),
    settings: {
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
      threads: options.threads,
      shapes: options.shapes,
      rateLimits: options.rateLimits,
    },
    backgroundBusyPercent: background,
    loadAverage: { start: loadAtStart, end: loadavg() },
    shapes: measured.shapes,
    scenarios: measured.results.map((result) => judge(result, baselineOf(result))),
    projector: measured.projector,
    problems: measured.problems,
  };
}

interface RunContext {
  readonly root: string;
  readonly env: ChildEnvironment;
  readonly log: (line: string) => void;
}

/** Starts the shape, runs its three scenarios (and for distributed the projector's drain), stops it. */
async function measureShape(
  shape: Shape,
  bare: { child: Child; url: string },
  options: BenchOptions,
  context: RunContext,
  measured: Measurements,
): Promise<void> {
  const { root, env, log } = context;
  let under: ShapeUnderTest | undefined;
  try {
    under =
      shape === 'embedded'
        ? await startEmbeddedShape(options, root, env, log)
        : await DistributedShape.start(options, root, env, log);
    measured.shapes.push({ shape, description: under.description });
    await createBenchEvents(under.serverUrl, ADMIN_TOKEN);
    const tokenFile = options.auth === 'verified' ? await writeBuyerTokenPool(root) : undefined;
    for (const scenario of scenariosOf(bare, under, tokenFile)) {
      log(
        `${shape}: ${scenario.label}: ${options.warmupSeconds} s warm-up, ${options.durationSeconds} s measured…`,
      );
      const result = await runScenario(scenario, options, env);
      measured.results.push(result);
      for (const problem of result.problems) log(`  problem: ${problem}`);
      if (!scenario.server.alive) return;
    }
    if (under instanceof DistributedShape)
      measured.projector = await measureProjector(under, options, env, log);
  } catch (error) {
    measured.problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    if (under !== undefined) measured.problems.push(...(await under.stop()));
  }
}

async function measureProjector(
  shape: DistributedShape,
  options: BenchOptions,
  env: ChildEnvironment,
  log: (line: string) => void,
): Promise<JudgedProjector> {
  log(
    `projector: worker stopped, ${options.durationSeconds} s of accepted holds to build a backlog, ` +
      'then a fresh worker drains it…',
  );
  const load = wrkRunOf(
    {
      name: 'accepted',
      baseUrl: shape.serverUrl,
      path: `/v1/events/${ACCEPTED_EVENT_ID}/holds`,
      poolId: POOL_ID,
    },
    options,
    env,
  );
  try {
    const { drain, problems } = await measureBacklogDrain(shape.drainServices(load), options.durationSeconds);
    for (const problem of problems) log(`  problem: ${problem}`);
    return judgeProjector(shape.projectorUnderLoad, drain, problems);
  } catch (error) {
    return judgeProjector(shape.projectorUnderLoad, undefined, [(error as Error).message]);
  }
}

function scenariosOf(
  bare: { child: Child; url: string },
  under: ShapeUnderTest,
  tokenFile: string | undefined,
): Scenario[] {
  const open: Scenario[] = [
    {
      name: 'ceiling',
      shape: under.shape,
      label: 'ceiling (bare Fastify)',
      server: bare.child,
      baseUrl: bare.url,
      path: `/v1/events/${ACCEPTED_EVENT_ID}/holds`,
      poolId: POOL_ID,
      expectsNon2xx: false,
    },
    {
      name: 'accepted',
      shape: under.shape,
      label: 'holds accepted',
      server: under.server,
      baseUrl: under.serverUrl,
      path: `/v1/events/${ACCEPTED_EVENT_ID}/holds`,
      poolId: POOL_ID,
      expected: { status: '201', outcome: 'ok' },
      expectsNon2xx: false,
      probe: under.probeOf('accepted'),
    },
    {
      name: 'rejected',
      shape: under.shape,
      label: 'holds rejected (sold out)',
      server: under.server,
      baseUrl: under.serverUrl,
      path: `/v1/events/${SOLD_OUT_EVENT_ID}/holds`,
      poolId: POOL_ID,
      expected: { status: '409', outcome: 'sold_out' },
      expectsNon2xx: true,
      probe: under.probeOf('rejected'),
    },
  ];
  if (tokenFile === undefined) return open;
  const [, accepted, rejected] = open as [Scenario, Scenario, Scenario];
  return [
    ...open,
    { ...accepted, name: 'accepted-verified', label: 'holds accepted, token each', tokenFile },
    { ...rejected, name: 'rejected-verified', label: 'holds rejected, token each', tokenFile },
  ];
}

function machineOf(): ThroughputReport['machine'] {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    wrk: wrkVersion() ?? 'missing',
  };
}
