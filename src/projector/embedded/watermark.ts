// How far the projection has come: entries announced durable since start, and how many of them are in the
// store. Readers wait, bounded, until the store holds everything durable when they asked (read-your-writes).
// The projection loop keeps one; with the projection on its own thread, the main thread keeps a mirror that
// the thread's reports advance. A projection that has died fails every wait at once instead of letting it run
// out its bound.

/** Thrown to a reader whose wait for the projection passed its bound. */
export class ProjectionBehindError extends Error {
  override readonly name = 'ProjectionBehindError';
}

interface Watcher {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class Watermark {
  #durable = 0;
  #projected = 0;
  #watchers: Watcher[] = [];
  #failed: Error | undefined;

  get durable(): number {
    return this.#durable;
  }

  get projected(): number {
    return this.#projected;
  }

  announce(count: number): void {
    this.#durable += count;
  }

  /** The store now holds `projected` of the entries counted since start. */
  advance(projected: number): void {
    this.#projected = projected;
    if (this.#watchers.length === 0) return;
    const still: Watcher[] = [];
    for (const watcher of this.#watchers)
      if (projected >= watcher.target) watcher.resolve();
      else still.push(watcher);
    this.#watchers = still;
  }

  /** Entries durable but not yet in the store. */
  lag(): number {
    return this.#durable - this.#projected;
  }

  /** Resolves once everything durable when called is in the store; rejects after `boundMs`. */
  caughtUp(boundMs: number): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    const target = this.#durable;
    if (this.#projected >= target) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#watchers = this.#watchers.filter((w) => w !== watcher);
        reject(new ProjectionBehindError(`The store is more than ${boundMs} ms behind the log.`));
      }, boundMs);
      const watcher: Watcher = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#watchers.push(watcher);
    });
  }

  /** The projection is gone: every wait, now and later, fails with `error`. */
  fail(error: Error): void {
    this.#failed ??= error;
    const watchers = this.#watchers;
    this.#watchers = [];
    for (const watcher of watchers) watcher.reject(error);
  }
}
