// PostgreSQL through node-postgres: a pool of connections, one per transaction.
import pg from 'pg';
import type { SqlDriver, SqlExecutor } from '../sql-driver.js';

/** Enough for the projector's batches and the read side together, far below PostgreSQL's default 100. */
const POOL_CONNECTIONS_MAX = 10;

export class PostgresDriver implements SqlDriver {
  readonly #pool: pg.Pool;

  constructor(connectionString: string) {
    this.#pool = new pg.Pool({ connectionString, max: POOL_CONNECTIONS_MAX });
    // An idle connection that breaks must not crash the process; the next query reports the fault.
    this.#pool.on('error', () => {});
  }

  async query<Row>(text: string, values: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.#pool.query(text, values as unknown[]);
    return result.rows as Row[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#withClient(async (client) => {
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <Row>(text: string, values: readonly unknown[] = []) =>
            (await client.query(text, values as unknown[])).rows as Row[],
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  async exec(script: string): Promise<void> {
    await this.#withClient(async (client) => {
      try {
        await client.query(script);
      } catch (error) {
        // A failed multi-statement script may leave its connection inside an aborted transaction.
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  /**
   * A checked-out connection has no pool listener: a connection that breaks while checked out (PostgreSQL
   * stopped mid-transaction) emits 'error', which without a listener would end the process. Listened to
   * here, the running query rejects instead, and the broken connection is destroyed, not reused.
   */
  async #withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
