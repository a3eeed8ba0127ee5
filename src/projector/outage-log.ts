// One log line when a dependency goes away and one when it is back, however many retries lie between:
// a worker retrying every few seconds through a long outage must not flood the log.
import type { Logger } from 'pino';

export type ProjectorLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export class OutageLog {
  readonly #logger: ProjectorLogger | undefined;
  readonly #what: string;
  readonly #clock: () => number;
  #sinceMs: number | undefined;
  #failures = 0;

  constructor(logger: ProjectorLogger | undefined, what: string, clock: () => number) {
    this.#logger = logger;
    this.#what = what;
    this.#clock = clock;
  }

  failed(error: unknown): void {
    this.#failures++;
    if (this.#sinceMs !== undefined) return;
    this.#sinceMs = this.#clock();
    this.#logger?.warn({ err: error }, `${this.#what} failed; retrying with backoff`);
  }

  recovered(): void {
    if (this.#sinceMs === undefined) return;
    const downMs = this.#clock() - this.#sinceMs;
    this.#logger?.info({ downMs, failures: this.#failures }, `${this.#what} works again`);
    this.#sinceMs = undefined;
    this.#failures = 0;
  }
}
