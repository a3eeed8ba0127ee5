// A binary min-heap of (expiresAtMs, holdId). Entries of holds that ended early stay until popped and are
// skipped then (lazy deletion): cheaper than finding them on every confirm or release.

export interface Due {
  readonly expiresAtMs: number;
  readonly holdId: string;
}

export class ExpiryHeap {
  #items: Due[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(item: Due): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as Due).expiresAtMs <= item.expiresAtMs) break;
      items[i] = items[parent] as Due;
      i = parent;
    }
    items[i] = item;
  }

  /** Replaces the content with items (heapify, O(n)): drops the stale items of holds that ended early. */
  rebuild(items: Due[]): void {
    this.#items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.#siftDown(items[i] as Due, i);
  }

  /** Removes and returns the earliest item if it is due at nowMs. */
  popDue(nowMs: number): Due | undefined {
    const items = this.#items;
    const top = items[0];
    if (top === undefined || top.expiresAtMs > nowMs) return undefined;
    const last = items.pop() as Due;
    if (items.length > 0) this.#siftDown(last, 0);
    return top;
  }

  /** Places item, taken from position start, at or below start. */
  #siftDown(item: Due, start: number): void {
    const items = this.#items;
    const length = items.length;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && (items[right] as Due).expiresAtMs < (items[child] as Due).expiresAtMs)
        child = right;
      if ((items[child] as Due).expiresAtMs >= item.expiresAtMs) break;
      items[i] = items[child] as Due;
      i = child;
    }
    items[i] = item;
  }
}
