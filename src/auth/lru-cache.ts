// A bounded map with least-recently-used eviction and a per-entry deadline. A Map keeps insertion order, so
// re-inserting on each hit keeps the oldest entry first: eviction and lookup are O(1).

export class LruCache<V> {
  readonly #entries = new Map<string, { value: V; untilMs: number }>();
  readonly #sizeMax: number;

  constructor(sizeMax: number) {
    if (!(sizeMax >= 1)) throw new Error(`LruCache size must be at least 1, got ${sizeMax}`);
    this.#sizeMax = sizeMax;
  }

  get(key: string, nowMs: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.untilMs <= nowMs) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, untilMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, untilMs });
    if (this.#entries.size > this.#sizeMax) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
