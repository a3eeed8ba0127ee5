// The server a run loads: the one --url names, or by default a private `boxoffice serve` started for the
// run — its own process (so the load generator never shares its event loop), on 127.0.0.1, with a
// temporary data dir and a random admin token, stopped and deleted at the end.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { builtCli } from '../harness/built-cli.js';
import { withoutServerSettings } from '../harness/child-env.js';
import { Child, onFreePort, removeTemporaryDir, temporaryDir, waitUntilReady } from '../harness/processes.js';
import { SetupError } from './setup-error.js';

export interface TargetServer {
  readonly baseUrl: string;
  readonly adminToken: string;
  /** true: the private server of this run. */
  readonly private: boolean;
  /** Stops a private server (once; later calls return the same answer) and names what went wrong with it:
   *  a crash during the run, a non-zero exit status. */
  stop(): Promise<string[]>;
}

export async function openTarget(
  url: string | undefined,
  adminToken: string | undefined,
  /** Port of the private server; undefined picks a free one. */
  port: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<TargetServer> {
  if (url !== undefined) {
    return { baseUrl: url, adminToken: adminToken ?? '', private: false, stop: async () => [] };
  }
  // The private server gets none of the operator's settings: with REDIS_URL and DATABASE_URL set it would
  // start in the distributed shape, on shared services.
  const childEnv = withoutServerSettings(env);
  if (port !== undefined) return startPrivateServer(childEnv, port, log);
  const portTaken = (error: unknown) => {
    if (error instanceof PortTaken) log('that port was taken meanwhile; trying another…');
    return error instanceof PortTaken;
  };
  return onFreePort((picked) => startPrivateServer(childEnv, picked, log), portTaken);
}

class PortTaken extends SetupError {}

async function startPrivateServer(
  env: NodeJS.ProcessEnv,
  port: number,
  log: (line: string) => void,
): Promise<TargetServer> {
  const root = temporaryDir('boxoffice-loadtest-');
  const token = randomBytes(24).toString('base64url');
  const baseUrl = `http://127.0.0.1:${port}`;
  log(`starting a private boxoffice server on ${baseUrl} (temporary data dir)…`);
  const server = new Child(
    'boxoffice server',
    process.execPath,
    [
      builtCli(),
      'serve',
      ...['--host', '127.0.0.1', '--port', String(port), '--data-dir', join(root, 'data')],
      '--log-level',
      'warn',
      // The whole rehearsal comes from one address and a few users: limits would refuse what it measures.
      ...['--rate-limit-per-ip', 'off', '--rate-limit-per-buyer', 'off'],
    ],
    // The token goes in the environment, not on the command line: no other user of the machine reads it in
    // `ps`, and a token starting with `-` (1 in 64 of base64url's) is not taken for a flag.
    { ...env, BOXOFFICE_ADMIN_TOKEN: token },
  );
  let stopped: Promise<string[]> | undefined;
  const stopOnce = async (): Promise<string[]> => {
    const diedEarlier = !server.alive;
    await server.stop();
    removeTemporaryDir(root);
    const { exitCode, signalCode } = server.process;
    if (!diedEarlier && exitCode === 0) return [];
    const how = signalCode === null ? `with status ${exitCode}` : `by ${signalCode}`;
    return [
      `the private server ended ${how}${diedEarlier ? ' during the run' : ''}:\n${server.describeOutput()}`,
    ];
  };
  const stop = () => {
    stopped ??= stopOnce();
    return stopped;
  };
  try {
    await waitUntilReady(server, baseUrl);
  } catch (error) {
    const taken = server.describeOutput().includes('EADDRINUSE');
    await stop();
    const message = `The private server did not start: ${error instanceof Error ? error.message : String(error)}`;
    throw taken ? new PortTaken(message) : new SetupError(message);
  }
  return { baseUrl, adminToken: token, private: true, stop };
}
