#!/usr/bin/env node
// The `boxoffice` command: `serve` runs the server, `worker` a projector, `reconcile` rebuilds gate state,
// `bench` load-tests.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, serveRefusal, settingFlags } from '../config.js';

const USAGE = `Usage: boxoffice <command> [flags]

Commands:
  serve      run the reservation server: embedded (one process, PGlite) by default; distributed when
             REDIS_URL (or REDIS_CLUSTER_NODES) and DATABASE_URL are set
  worker     run a projector worker (distributed shape): event logs in Redis → PostgreSQL
  reconcile  rebuild Redis gate state from PostgreSQL plus the unprojected log, with audits (distributed)
  bench      load-test an on-sale and audit it (contention, pool-rush, seat-rush, mix), or measure the
             ceiling ratios (the default); \`bench --help\` lists scenarios, flags and exit codes
  help       show this text

Flags of serve (each also read from its environment variable; see README):
  ${settingFlags.map((flag) => `--${flag}`).join(' ')}
`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'worker': {
      const { runWorker } = await import('../projector/worker-command.js');
      return runWorker(rest);
    }
    case 'reconcile': {
      const { runReconcile } = await import('./reconcile-command.js');
      return runReconcile(rest);
    }
    case 'bench': {
      const { runBench } = await import('../bench/bench.js');
      return runBench(rest);
    }
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
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // An operator's mistake gets its message; anything else is a fault and keeps its stack.
    const operatorError = error instanceof Error && error.name === 'DataDirInUseError';
    const text =
      error instanceof Error
        ? operatorError
          ? error.message
          : (error.stack ?? error.message)
        : String(error);
    process.stderr.write(`boxoffice: ${text}\n`);
    process.exitCode = 1;
  },
);
