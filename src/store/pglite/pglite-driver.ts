// PGlite: real Postgres compiled to WASM, in this process. PGlite is one connection that runs one query or
// transaction at a time; its own mutex serialises callers, so no pool is needed here.
import { PGlite } from '@electric-sql/pglite';
import { firstLine, StoreDamagedError } from '../integrity/store-damaged.js';
import type { SqlDriver, SqlExecutor } from '../sql-driver.js';
import { inspectDataDir, writeMarker } from './store-marker.js';

/**
 * PGlite's page cache (Postgres's shared_buffers, BOXOFFICE_STORE_CACHE_MB) lives in its WebAssembly memory,
 * which never shrinks: at Postgres's default of 128 MB it takes ~150 MiB of the process's memory once the
 * holds table outgrows it. The files of a data dir are real files, so with a small cache the pages outside
 * it come from the operating system's page cache, which is not the process's memory, at the price of more
 * file reads and writes: 16 MB measured ~150 MiB less resident and ~10 % fewer accepted holds per second
 * (docs/benchmarks.md).
 */
export const STORE_CACHE_MB_DEFAULT = 128;

function startParams(cacheMb: number): string[] {
  return [...PGlite.defaultStartParams, '-c', `shared_buffers=${cacheMb}MB`];
}

export interface OpenOptions {
  /** false: an empty or absent directory is refused instead of getting a new store (`reconcile --check`). */
  readonly create?: boolean;
  /** Page cache in MB (default STORE_CACHE_MB_DEFAULT). */
  readonly cacheMb?: number;
}

export class PgliteDriver implements SqlDriver {
  readonly #db: PGlite;

  private constructor(db: PGlite) {
    this.#db = db;
  }

  /**
   * Opens the store in dataDir, creating it when the directory is empty or absent; `undefined` keeps
   * everything in memory. A directory with files but no store is refused before PGlite sees it (PGlite would
   * run initdb over it), and a store PGlite cannot start on is reported in one line, not as a WASM abort.
   */
  static async open(dataDir: string | undefined, options: OpenOptions = {}): Promise<PgliteDriver> {
    if (dataDir === undefined) {
      const db = new PGlite({ startParams: startParams(options.cacheMb ?? STORE_CACHE_MB_DEFAULT) });
      await db.waitReady;
      return new PgliteDriver(db);
    }
    const found = inspectDataDir(dataDir);
    if (found === 'new' && options.create === false) {
      throw new StoreDamagedError(`There is no store in ${dataDir}: the directory is empty or absent.`);
    }
    let db: PGlite | undefined;
    try {
      db = new PGlite(dataDir, { startParams: startParams(options.cacheMb ?? STORE_CACHE_MB_DEFAULT) });
      await db.waitReady;
    } catch (error) {
      await db?.close().catch(() => {});
      throw new StoreDamagedError(
        `PGlite could not open the store in ${dataDir} (${firstLine(error)}): its files are damaged or were not written by PGlite. No row was written; restore the data directory from a backup.`,
      );
    }
    if (found === 'new') writeMarker(dataDir, Date.now());
    return new PgliteDriver(db);
  }

  async query<Row>(text: string, values: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.#db.query<Row>(text, values as unknown[]);
    return result.rows;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // PGlite's transaction() issues ROLLBACK when work throws, before rethrowing: the single connection is
    // never left inside an aborted transaction.
    return this.#db.transaction((tx) =>
      work({
        query: async <Row>(text: string, values: readonly unknown[] = []) =>
          (await tx.query<Row>(text, values as unknown[])).rows,
      }),
    );
  }

  async exec(script: string): Promise<void> {
    try {
      await this.#db.exec(script);
    } catch (error) {
      // The single connection must not stay inside the script's aborted transaction.
      await this.#db.exec('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    if (!this.#db.closed) await this.#db.close();
  }
}
