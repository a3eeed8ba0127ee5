#!/usr/bin/env node
// The `boxoffice` command: `serve` runs the server, `worker` a projector, `reconcile` rebuilds gate state,
// `bench` load-tests.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, serveRefusal, settingFlags } from '../config.js';
import { operatorMessage } from './operator-error.js';

const USAGE = `Usage: boxoffice <command> [flags]

Commands:
  serve      run the reservation server: embedded (one process, PGlite) by default; distributed when
             REDIS_URL (or REDIS_CLUSTER_NODES) and DATABASE_URL are set
  worker     run a projector worker (distributed shape): event logs in Redis → PostgreSQL
  reconcile  rebuild Redis gate state from PostgreSQL plus the unprojected log, with audits (distributed);
             \`reconcile --check\` checks the embedded store's integrity (\`reconcile --help\`)
  bench      load-test an on-sale and audit it (contention, pool-rush, seat-rush, mix, queue), or measure the
             ceiling ratios (the default); \`bench --help\` lists scenarios, flags and exit codes
  help       show this text
  version    print the version (also --version, -v)

Flags of serve (each also read from its environment variable; see README):
  ${settingFlags.map((flag) => `--${flag}`).join(' ')}
`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'worker': {
      const { runWorker } = await import('./worker-command.js');
      return runWorker(rest);
    }
    case 'reconcile': {
      const { runReconcile } = await import('./reconcile-command.js');
      return runReconcile(rest);
    }
    case 'bench': {
      const { runBench } = (await import(benchEntry())) as BenchEntry;
      return runBench(rest);
    }
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`boxoffice ${packageVersion()}\n`);
      return 0;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

/** What tools/bench/bench.ts exports for this command. */
export interface BenchEntry {
  runBench(args: string[]): Promise<number>;
}

/**
 * `bench` is a tool, not part of the engine: its sources are in tools/bench/, built to dist/tools/bench/ beside
 * the engine's dist/, and it is loaded by its URL so that the engine's build never compiles it.
 */
function benchEntry(): string {
  return new URL('../tools/bench/bench.js', import.meta.url).href;
}

/** package.json sits two levels above this file both in src/cli and in dist/cli; it is the one version. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(manifest.version);
}

async function serve(args: string[]): Promise<number> {
  const options = Object.fromEntries(settingFlags.map((flag) => [flag, { type: 'string' as const }]));
  let flags: Record<string, string | undefined>;
  try {
    flags = parseArgs({ args, options, strict: true }).values as Record<string, string | undefined>;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, flags);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const refusal = serveRefusal(config);
  if (refusal !== undefined) {
    process.stderr.write(`boxoffice: ${refusal}\n`);
    return 2;
  }
  const { startServer } = await import('../main.js');
  const running = await startServer(config);
  const signalled = new Promise<undefined>((resolve) => {
    const stop = () => resolve(undefined);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // A Redis that came back unable to keep acknowledged writes: stop selling on it (exit 1).
  const failure = await Promise.race([signalled, running.failed]);
  await running.stop();
  if (failure === undefined) return 0;
  process.stderr.write(`boxoffice: ${failure}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const text =
      operatorMessage(error) ?? (error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.stderr.write(`boxoffice: ${text}\n`);
    process.exitCode = 1;
  },
);
