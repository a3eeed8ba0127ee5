// The child processes of a bench or load-test run: the servers under test and the load generator. Each server
// runs in its own process, as in production, so that the run's own work never shares their event loop. Every
// child is registered, so that an error or Ctrl-C ends them all (by process group) and no server outlives the
// run. The tests' children (test/support) are polled until ready and given ports by the same functions.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** Enough of a child's output to explain why it failed, without keeping a long run's output. */
const OUTPUT_TAIL_BYTES = 16 * 1024;
/** The same for both streams as they came, which a test shows when a child failed. */
const INTERLEAVED_TAIL_BYTES = 64 * 1024;
/** How long a server may take to answer /healthz: it opens PGlite in ~2 s here, ~5 s with initdb. */
export const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 100;
/** A server asked to stop (SIGTERM) that is still running after this is killed (SIGKILL). */
const STOP_GRACE_MS = 10_000;

const running = new Set<Child>();

export interface ChildOptions {
  /**
   * Its own process group (the default), so that killing it kills what it started too (wrk under its sh
   * wrapper) and a Ctrl-C meant for the run reaches the run alone, which then stops its children in order.
   * The tests' children stay in the test process's group.
   */
  readonly detached?: boolean;
}

export class Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly #detached: boolean;
  #stdout = '';
  #stderr = '';
  #output = '';
  readonly exited: Promise<number | null>;

  /** `env` replaces the inherited environment when given. */
  constructor(
    name: string,
    command: string,
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
    options: ChildOptions = {},
  ) {
    this.name = name;
    this.#detached = options.detached ?? true;
    this.process = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: this.#detached, env });
    running.add(this);
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout = tail(this.#stdout + chunk);
      this.#output = tail(this.#output + chunk, INTERLEAVED_TAIL_BYTES);
    });
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = tail(this.#stderr + chunk);
      this.#output = tail(this.#output + chunk, INTERLEAVED_TAIL_BYTES);
    });
    this.exited = new Promise((resolve, reject) => {
      this.process.once('error', reject);
      this.process.once('close', (code) => {
        running.delete(this);
        resolve(code);
      });
    });
    // A failed spawn rejects `exited`; callers that never await it must not crash the bench on that.
    this.exited.catch(() => {});
  }

  get pid(): number {
    return this.process.pid as number;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** The end of stdout and stderr together, in the order they came. */
  get output(): string {
    return this.#output;
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (!this.alive) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), graceMs);
    try {
      await this.exited;
    } catch {
      // It never started; nothing to stop.
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL to the child's whole process group (to the child alone when it has none of its own). */
  kill(): void {
    if (!this.#detached) {
      this.process.kill('SIGKILL');
      return;
    }
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** What to show when the child failed: the end of its stderr, else of its stdout. */
  describeOutput(): string {
    const text = (this.#stderr.trim() || this.#stdout.trim()).split('\n').slice(-20).join('\n');
    return text === '' ? '(no output)' : text;
  }
}

function tail(text: string, bytes = OUTPUT_TAIL_BYTES): string {
  return text.length > bytes ? text.slice(-bytes) : text;
}

const temporaryDirs = new Set<string>();

/** A directory to delete at the end of the run, also when it is interrupted. */
export function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.add(dir);
  return dir;
}

export function removeTemporaryDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  temporaryDirs.delete(dir);
}

/**
 * Kills every child still running, with its process group (SIGKILL: called on an error or an interrupt,
 * nothing to wait for), then deletes the temporary directories.
 */
export function cleanUpEverything(): void {
  for (const child of running) child.kill();
  running.clear();
  for (const dir of temporaryDirs) removeTemporaryDir(dir);
}

/** A port free on 127.0.0.1 now: the OS picks it, the listener closes, the child binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts of one child on a fresh port after its port was taken, at most. */
const PORT_ATTEMPTS_MAX = 3;

/**
 * Starts something on a port that was free a moment ago. A port is only reserved once bound, so another
 * process on the machine may take it in between: when `portTaken` says a start failed for that (and has
 * cleared up after it), it is started again on another port, PORT_ATTEMPTS_MAX times at most.
 */
export async function onFreePort<T>(
  start: (port: number) => Promise<T>,
  portTaken: (error: unknown) => boolean | Promise<boolean>,
  pickPort: () => Promise<number> = freePort,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await pickPort());
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS_MAX || !(await portTaken(error))) throw error;
    }
  }
}

/**
 * `count` ports free on 127.0.0.1 now, all different: each listener stays open until all are picked, since
 * ports picked one after another can repeat (a closed port may be handed out again at once).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Something started that is polled until it answers: its name, whether it still runs, what it said. */
export interface Starting {
  readonly name: string;
  alive(): boolean;
  output(): string;
}

/** Polls GET `url` until it answers 2xx; fails early if what was started exits first. */
export async function untilAnswers(
  url: string,
  starting: Starting,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!starting.alive())
      throw new Error(`${starting.name} exited before it was ready:\n${starting.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(READY_POLL_MS * 10) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(
        `${starting.name} did not answer ${new URL(url).pathname} within ${timeoutMs} ms:\n${starting.output()}`,
      );
    await sleep(READY_POLL_MS);
  }
}

/** Polls GET /healthz of a child until it answers 200. */
export function waitUntilReady(child: Child, baseUrl: string): Promise<void> {
  const starting = { name: child.name, alive: () => child.alive, output: () => child.describeOutput() };
  return untilAnswers(`${baseUrl}/healthz`, starting);
}

const INIT_DATA_DIR_JS = fileURLToPath(new URL('./init-data-dir.js', import.meta.url));
/** initdb and the migrations of a fresh PGlite data dir take ~3-5 s on this machine kind. */
const INIT_TIMEOUT_MS = 120_000;

/** Creates a migrated data dir in a process of its own (see init-data-dir.ts for why). */
export async function prepareDataDir(dataDir: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const child = new Child('data dir initialisation', process.execPath, [INIT_DATA_DIR_JS, dataDir], env);
  const timer = setTimeout(() => child.kill(), INIT_TIMEOUT_MS);
  try {
    const code = await child.exited;
    if (code !== 0)
      throw new Error(`Creating the data dir failed (exit ${code}):\n${child.describeOutput()}`);
  } finally {
    clearTimeout(timer);
  }
}
