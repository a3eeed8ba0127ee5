// The database port, one engine per adapter: PGlite (embedded) and pg (PostgreSQL). Everything above it —
// migrations, queries, projection — is shared, so the same SQL runs on both.

export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<Row[]>;
}

export interface SqlDriver extends SqlExecutor {
  /** Runs work in one transaction; rolls back and rethrows when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}
