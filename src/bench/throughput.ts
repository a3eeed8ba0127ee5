// The throughput run: both servers as child processes, then the ceiling, holds accepted and holds rejected,
// each driven by the same wrk script, one after the other so that they never share the machine.
import { mkdirSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './options.js';
import { backgroundBusyPercent } from './proc.js';
import {
  Child,
  freePort,
  prepareDataDir,
  removeTemporaryDir,
  temporaryDir,
  waitUntilReady,
} from './processes.js';
import { runScenario, type Scenario, type ScenarioResult } from './scenario.js';
import { ACCEPTED_EVENT_ID, createBenchEvents, POOL_ID, SOLD_OUT_EVENT_ID } from './setup-events.js';
import { type Judged, judge } from './targets.js';
import { wrkVersion } from './wrk.js';

const CLI_JS = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const BARE_SERVER_JS = fileURLToPath(new URL('./bare-server.js', import.meta.url));
/** Fixed: the servers live only as long as the run, on 127.0.0.1, with a throwaway data dir. */
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
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
  };
  /** Percent of one core busy before the run started: anything high means noisy figures. */
  readonly backgroundBusyPercent: number | undefined;
  readonly scenarios: readonly Judged[];
  /** Why the run is invalid (a server died, unexpected statuses); empty when valid. */
  readonly problems: readonly string[];
}

export async function runThroughput(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<ThroughputReport> {
  const startedAt = new Date().toISOString();
  const background = await backgroundBusyPercent(BACKGROUND_SAMPLE_MS);
  if (background !== undefined && background > 25) {
    log(
      `warning: the machine is already ${background.toFixed(0)}% busy (of one core); figures will be noisy`,
    );
  }
  const root = temporaryDir('boxoffice-bench-');
  const results: ScenarioResult[] = [];
  const problems: string[] = [];
  let servers: Servers | undefined;
  try {
    servers = await startServers(options, join(root, 'data'), log);
    await createBenchEvents(servers.serverUrl, ADMIN_TOKEN);
    for (const scenario of scenariosOf(servers)) {
      log(`${scenario.label}: ${options.warmupSeconds} s warm-up, ${options.durationSeconds} s measured…`);
      const result = await runScenario(scenario, options);
      results.push(result);
      for (const problem of result.problems) log(`  problem: ${problem}`);
      if (!scenario.server.alive) break;
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    if (servers !== undefined) {
      await Promise.all([servers.bare.stop(), servers.server.stop()]);
      problems.push(...exitProblems(servers.bare), ...exitProblems(servers.server));
    }
    removeTemporaryDir(root);
  }
  const ceiling = results.find((result) => result.name === 'ceiling');
  return {
    startedAt,
    machine: machineOf(),
    settings: {
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
      threads: options.threads,
    },
    backgroundBusyPercent: background,
    scenarios: results.map((result) => judge(result, ceiling)),
    problems,
  };
}

interface Servers {
  readonly bare: Child;
  readonly bareUrl: string;
  readonly server: Child;
  readonly serverUrl: string;
}

/** Both servers, ready; the boxoffice one on a data dir created beforehand, as after a restart. */
async function startServers(
  options: BenchOptions,
  dataDir: string,
  log: (line: string) => void,
): Promise<Servers> {
  log('creating a PGlite data dir, then starting the bare Fastify server and the boxoffice server…');
  const [barePort, serverPort] = [await freePort(), await freePort()];
  const bare = new Child('bare Fastify server', process.execPath, [
    ...profileFlags(options, 'bare-server'),
    BARE_SERVER_JS,
    String(barePort),
  ]);
  await prepareDataDir(dataDir);
  const server = new Child('boxoffice server', process.execPath, [
    ...profileFlags(options, 'boxoffice-server'),
    CLI_JS,
    'serve',
    ...['--port', String(serverPort), '--host', '127.0.0.1', '--data-dir', dataDir],
    ...['--admin-token', ADMIN_TOKEN, '--log-level', 'warn'],
  ]);
  const servers = {
    bare,
    bareUrl: `http://127.0.0.1:${barePort}`,
    server,
    serverUrl: `http://127.0.0.1:${serverPort}`,
  };
  await Promise.all([waitUntilReady(bare, servers.bareUrl), waitUntilReady(server, servers.serverUrl)]);
  return servers;
}

function scenariosOf({ bare, bareUrl, server, serverUrl }: Servers): Scenario[] {
  return [
    {
      name: 'ceiling',
      label: 'ceiling (bare Fastify)',
      server: bare,
      baseUrl: bareUrl,
      path: `/v1/events/${ACCEPTED_EVENT_ID}/holds`,
      poolId: POOL_ID,
      expectsNon2xx: false,
    },
    {
      name: 'accepted',
      label: 'holds accepted',
      server,
      baseUrl: serverUrl,
      path: `/v1/events/${ACCEPTED_EVENT_ID}/holds`,
      poolId: POOL_ID,
      expected: { status: '201', outcome: 'ok' },
      expectsNon2xx: false,
    },
    {
      name: 'rejected',
      label: 'holds rejected (sold out)',
      server,
      baseUrl: serverUrl,
      path: `/v1/events/${SOLD_OUT_EVENT_ID}/holds`,
      poolId: POOL_ID,
      expected: { status: '409', outcome: 'sold_out' },
      expectsNon2xx: true,
    },
  ];
}

/** A server must stop on SIGTERM, with status 0; anything else is a fault the run reports. */
function exitProblems(child: Child): string[] {
  const { exitCode, signalCode } = child.process;
  if (exitCode === 0 || (exitCode === null && signalCode === null)) return [];
  const how = signalCode === null ? `with status ${exitCode}` : `by ${signalCode}`;
  return [`the ${child.name} ended ${how}:\n${child.describeOutput()}`];
}

function profileFlags(options: BenchOptions, name: string): string[] {
  if (options.cpuProfileDir === undefined) return [];
  const dir = resolve(options.cpuProfileDir);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.${process.pid}.cpuprofile`];
}

function machineOf(): ThroughputReport['machine'] {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    wrk: wrkVersion() ?? 'missing',
  };
}
