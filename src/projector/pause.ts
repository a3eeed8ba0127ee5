// Sleeps that stop() can cut short, so that a worker waiting out an outage or an idle spell stops at once.

export class Pause {
  readonly #waiting = new Set<() => void>();

  /** Resolves after ms, or at once when wake() is called. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiting.add(done);
    });
  }

  wake(): void {
    for (const done of [...this.#waiting]) done();
  }
}

/** Waits that double from minMs to maxMs while failures go on; reset() after a success. */
export class Backoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  #nextMs: number;

  constructor(minMs: number, maxMs: number) {
    this.#minMs = minMs;
    this.#maxMs = maxMs;
    this.#nextMs = minMs;
  }

  nextMs(): number {
    const ms = this.#nextMs;
    this.#nextMs = Math.min(ms * 2, this.#maxMs);
    return ms;
  }

  reset(): void {
    this.#nextMs = this.#minMs;
  }
}
