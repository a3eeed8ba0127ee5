// How the file log refuses: damage an operator must look at (the server does not start), and a log that
// stayed full longer than placements may wait (projection is that far behind; the caller retries).

/** A record in the middle of the log is damaged: never skipped, since acknowledged work may follow it. */
export class LogDamagedError extends Error {
  override readonly name = 'LogDamagedError';
  readonly code = 'log_damaged';
  constructor(
    readonly segment: string,
    readonly offset: number,
    reason: string,
  ) {
    super(
      `The log segment ${segment} is damaged at byte ${offset} (${reason}), and records follow it, so the ` +
        'server did not start (log_damaged). Nothing was cut or written. Restore the data directory from a backup.',
    );
  }
}

/** The log reached its size bound and projection freed no room within the wait. */
export class LogBackloggedError extends Error {
  override readonly name = 'LogBackloggedError';
  readonly code = 'log_backlogged';
}
