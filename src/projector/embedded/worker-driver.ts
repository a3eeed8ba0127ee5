// The store's database seen from the main thread when PGlite runs on the projection thread: a SqlDriver whose
// statements are carried out there (serveDriver). Everything above the driver (SqlStore, the webhook store,
// the audit's snapshot with its log-tail callback) runs unchanged on the main thread. A transaction stays
// open on the projection thread while the main thread's work runs, statement by statement; PGlite's one
// connection keeps the projection out meanwhile, as it does when both share a thread.
import type { SqlDriver, SqlExecutor } from '../../store/sql-driver.js';
import type { ThreadChannel } from './thread-channel.js';

export class WorkerDriver implements SqlDriver {
  readonly #channel: ThreadChannel;
  readonly #close: () => Promise<void>;

  /** `close` ends the projection thread (it owns PGlite); the driver only forwards to it. */
  constructor(channel: ThreadChannel, close: () => Promise<void>) {
    this.#channel = channel;
    this.#close = close;
  }

  query<Row>(text: string, values: readonly unknown[] = []): Promise<Row[]> {
    return this.#channel.request<Row[]>('sql.query', null, text, values);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const tx = await this.#channel.request<number>('sql.begin');
    let result: T;
    try {
      result = await work({
        query: <Row>(text: string, values: readonly unknown[] = []) =>
          this.#channel.request<Row[]>('sql.query', tx, text, values),
      });
    } catch (error) {
      await this.#channel.request('sql.end', tx, false).catch(() => {});
      throw error;
    }
    await this.#channel.request('sql.end', tx, true);
    return result;
  }

  exec(script: string): Promise<void> {
    return this.#channel.request<void>('sql.exec', script);
  }

  close(): Promise<void> {
    return this.#close();
  }
}

/** Why a transaction the main thread ended without committing was rolled back. */
class RolledBack extends Error {}

/** The projection thread's side: carries out the statements WorkerDriver sends, on the real driver. */
export function serveDriver(channel: ThreadChannel, driver: SqlDriver): void {
  const open = new Map<
    number,
    { readonly tx: SqlExecutor; readonly end: (commit: boolean) => Promise<void> }
  >();
  let nextTx = 1;
  channel.handle('sql.query', (tx: number | null, text: string, values: unknown[]) => {
    if (tx === null) return driver.query(text, values);
    const found = open.get(tx);
    if (found === undefined) throw new Error(`Transaction ${tx} is not open.`);
    return found.tx.query(text, values);
  });
  channel.handle('sql.exec', (script: string) => driver.exec(script));
  channel.handle(
    'sql.begin',
    () =>
      new Promise<number>((begun, failedToBegin) => {
        const id = nextTx++;
        let finish: (commit: boolean) => void = () => {};
        const decided = new Promise<boolean>((resolve) => {
          finish = resolve;
        });
        const settled = driver
          .transaction(async (tx) => {
            open.set(id, { tx, end });
            begun(id);
            if (!(await decided)) throw new RolledBack();
          })
          .finally(() => open.delete(id));
        // The answer to sql.end is the transaction's outcome: a failed COMMIT reaches the main thread.
        async function end(commit: boolean): Promise<void> {
          finish(commit);
          await settled.catch((error: unknown) => {
            if (!(error instanceof RolledBack)) throw error;
          });
        }
        settled.catch(failedToBegin);
      }),
  );
  channel.handle('sql.end', (tx: number, commit: boolean) => {
    const found = open.get(tx);
    if (found === undefined) throw new Error(`Transaction ${tx} is not open.`);
    return found.end(commit);
  });
}
