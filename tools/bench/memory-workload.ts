// Shapes shared by the memory run (its own process) and the report of it.

/** The venue of the memory figure: 10 sections × 100 rows × 100 seats = 100,000 numbered seats. */
export const VENUE = {
  sectionIds: ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10'],
  rowsPerSection: 100,
  seatsPerRow: 100,
  seats: 10 * 100 * 100,
} as const;

export interface MemoryPhase {
  readonly label: string;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Memory of C++ objects bound to JS, including ArrayBuffers such as PGlite's WebAssembly memory. */
  readonly externalBytes: number;
  readonly arrayBuffersBytes: number;
}

export interface MemoryResult {
  readonly holds: number;
  readonly rejected: number;
  readonly confirmed: number;
  readonly released: number;
  readonly expired: number;
  readonly concurrency: number;
  readonly liveHoldsMax: number;
  readonly confirmEvery: number;
  readonly elapsedSeconds: number;
  /** true when the time bound stopped the run before all holds were made. */
  readonly timedOut: boolean;
  readonly peakRssBytes: number;
  readonly phases: readonly MemoryPhase[];
}

/** Memory after a full garbage collection (the process runs with --expose-gc), so heap figures are live data. */
export function phaseOf(label: string): MemoryPhase {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return {
    label,
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
  };
}

/** FIFO of live hold ids; an array with a moving head, compacted now and then, so shift() is O(1). */
export class LiveHolds {
  #items: string[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(holdId: string): void {
    this.#items.push(holdId);
  }

  shift(): string | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const holdId = this.#items[this.#head];
    this.#head++;
    if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return holdId;
  }
}
