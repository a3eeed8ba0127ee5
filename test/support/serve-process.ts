// The real embedded server as a child process on a data dir, for the tests that kill it with -9 and start
// it again: started from dist/ on a free port, ready once /healthz answers, killed and awaited.
import { type ChildProcess, spawn } from 'node:child_process';
import { builtCli } from '../../tools/harness/built-cli.js';
import { freePort, untilAnswers } from '../../tools/harness/processes.js';

const READY_TIMEOUT_MS = 30_000;

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: string[];
}

/** Starts `boxoffice serve` on dataDir with `env` added (admin token, limits…) and waits until /healthz answers. */
export async function startServe(dataDir: string, env: Record<string, string>): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [builtCli(), 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BOXOFFICE_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const starting = {
    name: 'server',
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => output.join(''),
  };
  try {
    await untilAnswers(`${url}/healthz`, starting, READY_TIMEOUT_MS);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { child, url, output };
}

/** SIGKILL, and wait until the process is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
