// PGlite: real Postgres compiled to WASM, in this process. PGlite is one connection that runs one query or
// transaction at a time; its own mutex serialises callers, so no pool is needed here.
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriver, SqlExecutor } from '../sql-driver.js';

export class PgliteDriver implements SqlDriver {
  readonly #db: PGlite;

  private constructor(db: PGlite) {
    this.#db = db;
  }

  /** Opens (creating when absent) the data directory; `undefined` keeps everything in memory. */
  static async open(dataDir: string | undefined): Promise<PgliteDriver> {
    const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await db.waitReady;
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
