// The real embedded server as a child process on a data dir, for the tests that kill it with -9 and start
// it again: started from dist/ on a free port, ready once /healthz answers, killed and awaited.
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './redis-server.js';

const READY_TIMEOUT_MS = 30_000;

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: string[];
}

/** Starts `boxoffice serve` on dataDir with `env` added (admin token, limits…) and waits until /healthz answers. */
export async function startServe(dataDir: string, env: Record<string, string>): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/cli/main.js', 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BOXOFFICE_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output.join('')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready in time:\n${output.join('')}`);
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return { child, url, output };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGKILL, and wait until the process is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
