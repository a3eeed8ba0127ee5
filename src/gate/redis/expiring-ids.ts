// A bounded memory of ids with a deadline each, oldest forgotten first: the gate's unknown and lost events.

export class ExpiringIds {
  readonly #until = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** Whether the id was noted less than the TTL ago; a lapsed one is forgotten. */
  has(id: string, nowMs: number): boolean {
    const until = this.#until.get(id);
    if (until === undefined) return false;
    if (until > nowMs) return true;
    this.#until.delete(id);
    return false;
  }

  note(id: string, nowMs: number): void {
    if (this.#until.size >= this.#max) this.#until.delete(this.#until.keys().next().value as string);
    this.#until.set(id, nowMs + this.#ttlMs);
  }

  forget(id: string): void {
    this.#until.delete(id);
  }
}
