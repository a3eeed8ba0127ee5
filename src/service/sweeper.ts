// Ends expired holds every interval, so their seats return to sale within one interval of their expiry.
import type { FastifyBaseLogger } from 'fastify';
import type { Reservations } from './reservations.js';

export class Sweeper {
  readonly #reservations: Reservations;
  readonly #intervalMs: number;
  readonly #logger: FastifyBaseLogger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(reservations: Reservations, intervalMs: number, logger?: FastifyBaseLogger) {
    this.#reservations = reservations;
    this.#intervalMs = intervalMs;
    this.#logger = logger;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.sweepOnce(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One sweep; skipped when the previous one is still committing. */
  async sweepOnce(): Promise<number> {
    if (this.#running) return 0;
    this.#running = true;
    try {
      return await this.#reservations.sweepExpired();
    } catch (error) {
      // A failed commit has undone the expiries; the next sweep finds the same holds due again.
      this.#logger?.warn({ err: error }, 'expiry sweep failed; retrying next interval');
      return 0;
    } finally {
      this.#running = false;
    }
  }
}
