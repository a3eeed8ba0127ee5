// Who may write the projection when: the batches of a projector's lanes commit side by side (shared), and
// exclusive work (the embedded audit's window over log and store) waits until none is in flight and holds
// new ones back until it is done. Exclusive works run one after another, in the order asked.
export class CommitWindow {
  #inFlight = 0;
  /** Exclusive works asked for and not finished: while any is, shared work waits for them. */
  #exclusiveAsked = 0;
  /** The last exclusive work (settled or not): shared work asked meanwhile starts after it. */
  #exclusiveTail: Promise<unknown> = Promise.resolve();
  #whenIdle: (() => void)[] = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    // Counted in the same turn as the check, so an exclusive work asked later waits for this one.
    while (this.#exclusiveAsked > 0) await this.#exclusiveTail.catch(() => {});
    this.#inFlight++;
    try {
      return await work();
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const wake of this.#whenIdle.splice(0)) wake();
    }
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#exclusiveAsked++;
    const run = this.#exclusiveTail
      .catch(() => {})
      .then(() => this.#idle())
      .then(work)
      .finally(() => {
        this.#exclusiveAsked--;
      });
    this.#exclusiveTail = run;
    return run;
  }

  #idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#whenIdle.push(resolve));
  }
}
