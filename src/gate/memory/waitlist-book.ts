// The waitlist of one event in memory: one line per pool or section, each sorted by the order of joining,
// and each buyer's entry. Joining appends; leaving and offers take an entry out; an undone offer puts its
// entry back in its place (entries keep their order number, `seq`).
import { lineOf, type WaitlistEntry } from '../../domain/waitlist.js';

export class WaitlistBook {
  readonly #byUser = new Map<string, WaitlistEntry>();
  readonly #lines = new Map<string, WaitlistEntry[]>();
  #lastSeq = 0;

  get size(): number {
    return this.#byUser.size;
  }

  nextSeq(): number {
    return this.#lastSeq + 1;
  }

  find(userId: string): WaitlistEntry | undefined {
    return this.#byUser.get(userId);
  }

  /** Adds an entry at its place by seq (the end, unless it is an undone offer's entry coming back). */
  add(entry: WaitlistEntry): void {
    // An undone offer's buyer may have joined again meanwhile: the newer entry stands.
    if (this.#byUser.has(entry.userId)) return;
    this.#byUser.set(entry.userId, entry);
    this.#lastSeq = Math.max(this.#lastSeq, entry.seq);
    const key = lineOf(entry);
    let line = this.#lines.get(key);
    if (line === undefined) {
      line = [];
      this.#lines.set(key, line);
    }
    line.splice(this.#indexOf(line, entry.seq), 0, entry);
  }

  remove(entry: WaitlistEntry): void {
    if (this.#byUser.get(entry.userId)?.id !== entry.id) return;
    this.#byUser.delete(entry.userId);
    const key = lineOf(entry);
    const line = this.#lines.get(key) as WaitlistEntry[];
    line.splice(this.#indexOf(line, entry.seq), 1);
    if (line.length === 0) this.#lines.delete(key);
  }

  /** 1 for the first in its line. */
  position(entry: WaitlistEntry): number {
    return this.#indexOf(this.#lines.get(lineOf(entry)) ?? [], entry.seq) + 1;
  }

  /** The line of a pool (`p:<id>`) or section (`s:<id>`), first in line first. Never modify it. */
  line(key: string): readonly WaitlistEntry[] {
    return this.#lines.get(key) ?? [];
  }

  /** The index of the first entry whose seq is at least `seq` (binary search: lines are sorted by seq). */
  #indexOf(line: readonly WaitlistEntry[], seq: number): number {
    let low = 0;
    let high = line.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((line[middle] as WaitlistEntry).seq < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
