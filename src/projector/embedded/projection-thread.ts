// The embedded projection on its own thread (BOXOFFICE_PROJECTION_THREAD=worker): PGlite's CPU no longer
// competes with the requests. The main thread keeps the gate, the group commit into the log file and HTTP;
// the projection thread (projection-worker.ts) owns PGlite, reads the log through the main thread (the
// projection's consumer group, remote-log.ts) and carries out the main thread's store statements
// (worker-driver.ts). The watermark that reads wait for is kept here, advanced by the thread's reports.
//
// A thread that dies (an uncaught error, an abort) is reported once through onCrash; from then on every store
// call and every wait for the projection fails at once (503 store_unavailable, /readyz not ready) instead
// of hanging. The log keeps what was not projected; the next start applies it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type Log, PROJECTION_GROUP } from '../../log/log.js';
import { StoreDamagedError } from '../../store/integrity/store-damaged.js';
import type { SqlDriver } from '../../store/sql-driver.js';
import { PROJECTION_MEMBER, type Projection } from './embedded-projection.js';
import type { ProjectionThreadData } from './projection-worker.js';
import { serveLog } from './remote-log.js';
import { ThreadChannel, ThreadGoneError } from './thread-channel.js';
import { Watermark } from './watermark.js';
import { WorkerDriver } from './worker-driver.js';

export interface ProjectionThreadOptions {
  /** PGlite data directory; undefined keeps the store in memory. */
  readonly dataDir: string | undefined;
  /** PGlite's page cache in MB (BOXOFFICE_STORE_CACHE_MB). */
  readonly cacheMb?: number;
  /** The thread's niceness, 0–19 (BOXOFFICE_PROJECTION_NICE): above 0 the requests' thread goes first. */
  readonly nice?: number;
  /** A batch the store refused (it is retried). */
  readonly onError?: (message: string) => void;
  /** The thread ended without being asked to. */
  readonly onCrash?: (error: Error) => void;
}

export class ProjectionThread implements Projection {
  /** The thread itself (its threadId; tests end it to see a crash surface). */
  readonly thread: Worker;
  /** The store's database, carried out on the thread. */
  readonly driver: SqlDriver;
  readonly #channel: ThreadChannel;
  readonly #onError: (message: string) => void;
  #feeder: ReturnType<typeof serveLog> | undefined;
  readonly #watermark = new Watermark();
  readonly #exited: Promise<void>;
  #closing = false;
  #failure: Error | undefined;

  private constructor(options: ProjectionThreadOptions) {
    const data: ProjectionThreadData = {
      dataDir: options.dataDir,
      cacheMb: options.cacheMb,
      nice: options.nice,
    };
    this.thread = new Worker(workerScript(), { workerData: data });
    this.#onError = options.onError ?? (() => {});
    this.#channel = new ThreadChannel(this.thread, (error) => this.#onError(String(error)));
    this.#channel.handle('projected', (projected: number) => this.#watermark.advance(projected));
    this.#channel.handle('warn', (message: string) => this.#onError(message));
    this.driver = new WorkerDriver(this.#channel, () => this.close());
    const crashed = (error: Error) => {
      if (this.#closing || this.#failure !== undefined) return;
      this.#failure = error;
      this.#channel.fail(error);
      this.#watermark.fail(error);
      options.onCrash?.(error);
    };
    this.thread.on('error', (error) =>
      crashed(new ThreadGoneError(`The projection thread failed: ${error.message}`)),
    );
    this.#exited = new Promise((resolve) =>
      this.thread.on('exit', (code) => {
        crashed(new ThreadGoneError(`The projection thread exited unexpectedly (exit code ${code}).`));
        resolve();
      }),
    );
  }

  /** Starts the thread and opens the checked store on it; fails as openCheckedStore does. */
  static async open(options: ProjectionThreadOptions): Promise<ProjectionThread> {
    const projection = new ProjectionThread(options);
    try {
      await projection.#channel.request('open');
    } catch (error) {
      await projection.close().catch(() => {});
      // The refusal is one line already; it crossed the thread as a plain error.
      if (error instanceof Error && error.name === 'StoreDamagedError')
        throw new StoreDamagedError(error.message);
      throw error;
    }
    return projection;
  }

  /**
   * Serves the log the main thread appends to; the thread reads it as PROJECTION_GROUP. Separate from open(),
   * since the store is checked before the log is opened (and its torn tail cut).
   */
  serve(log: Log): this {
    this.#feeder = serveLog(this.#channel, log);
    return this;
  }

  /** Why the thread is gone, once it is. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  replay(): Promise<number> {
    return this.#channel.request<number>('replay');
  }

  start(): void {
    this.#channel.notify('start');
  }

  readonly announce = (entries: readonly unknown[]): void => {
    this.#watermark.announce(entries.length);
    this.#feeder
      ?.feed(PROJECTION_GROUP, PROJECTION_MEMBER, entries.length)
      .catch((error: unknown) => this.#onError(String(error)));
  };

  caughtUp(boundMs: number): Promise<void> {
    return this.#watermark.caughtUp(boundMs);
  }

  lag(): number {
    return this.#watermark.lag();
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const hold = await this.#channel.request<number>('hold');
    try {
      return await work();
    } finally {
      this.#channel.notify('release', hold);
    }
  }

  /** Stops projecting; the store still answers until close(). */
  async stop(): Promise<void> {
    if (this.#failure === undefined) await this.#channel.request('stop');
  }

  /** Stops projecting, closes PGlite on the thread and ends the thread. */
  async close(): Promise<void> {
    if (this.#closing) return this.#exited;
    const closed = this.#failure === undefined ? this.#channel.request('close') : Promise.resolve();
    try {
      await closed;
    } finally {
      this.#closing = true;
      this.#channel.fail(new ThreadGoneError('The store is closed.'));
      await this.thread.terminate();
      await this.#exited;
    }
  }
}

/**
 * The built projection-worker.js beside this module. Run from the TypeScript sources (vitest), the thread
 * runs the built file instead, since a worker thread here cannot load TypeScript: `npm run build` first.
 */
function workerScript(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./projection-worker.js', here);
  const at = here.lastIndexOf('/src/');
  const built = new URL(
    `${here.slice(0, at)}/dist/${here.slice(at + '/src/'.length).replace(/projection-thread\.ts$/, 'projection-worker.js')}`,
  );
  if (!existsSync(fileURLToPath(built)))
    throw new Error(
      `${fileURLToPath(built)} is missing: run \`npm run build\` to start the projection thread.`,
    );
  return built;
}
