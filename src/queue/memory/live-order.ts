// The order of a line from which buyers leave anywhere (admitted at the head, abandoned in the middle):
// an append-only list of buyers with a Fenwick tree of who is still in it, so that a buyer's position is
// O(log n) however many are waiting (a million buyers are a million-entry array, not a sorted map).
export class LiveOrder {
  readonly #buyers: string[] = [];
  /** Fenwick tree (1-based) over #buyers: 1 where the buyer is still in line. */
  #tree = new Int32Array(1024);
  /** The same 1s and 0s as plain values (1-based), so that growing rebuilds the tree in linear time. */
  #inLine = new Uint8Array(1024);
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends a buyer; returns its index (its place for position()). */
  push(buyerId: string): number {
    const index = this.#buyers.length;
    this.#buyers.push(buyerId);
    if (index + 1 >= this.#tree.length) this.#grow();
    this.#inLine[index + 1] = 1;
    this.#add(index + 1, 1);
    this.#size += 1;
    return index;
  }

  /** Appends buyers in order; returns the index of the first (the others follow it). Linear time. */
  pushAll(buyers: readonly string[]): number {
    const first = this.#buyers.length;
    for (const buyerId of buyers) this.#buyers.push(buyerId);
    while (this.#buyers.length + 1 >= this.#inLine.length) this.#grow();
    this.#inLine.fill(1, first + 1, this.#buyers.length + 1);
    this.#rebuild();
    this.#size += buyers.length;
    return first;
  }

  /** 1-based position of the buyer at this index among those still in line. */
  position(index: number): number {
    let sum = 0;
    for (let i = index + 1; i > 0; i -= i & -i) sum += this.#tree[i] as number;
    return sum;
  }

  remove(index: number): void {
    this.#inLine[index + 1] = 0;
    this.#add(index + 1, -1);
    this.#size -= 1;
  }

  /** Puts a removed or popped buyer back at its index (an admission undone: it is at the head again). */
  restore(index: number): void {
    if (this.#inLine[index + 1] === 1) return;
    this.#inLine[index + 1] = 1;
    this.#add(index + 1, 1);
    this.#size += 1;
    this.#head = Math.min(this.#head, index);
  }

  /** Takes up to `count` buyers from the head; `inLine(index)` says whether an index is still in line. */
  popFront(count: number, inLine: (buyerId: string, index: number) => boolean): string[] {
    const taken: string[] = [];
    while (taken.length < count && this.#head < this.#buyers.length) {
      const index = this.#head++;
      const buyerId = this.#buyers[index] as string;
      // After a restore the head walks again over buyers that left: only those still in line are taken.
      if (this.#inLine[index + 1] === 0 || !inLine(buyerId, index)) continue;
      this.remove(index);
      taken.push(buyerId);
    }
    return taken;
  }

  #add(position: number, delta: number): void {
    for (let i = position; i < this.#tree.length; i += i & -i)
      this.#tree[i] = (this.#tree[i] as number) + delta;
  }

  /** Doubles the tree and rebuilds it from the plain values. */
  #grow(): void {
    const inLine = new Uint8Array(this.#inLine.length * 2);
    inLine.set(this.#inLine);
    this.#inLine = inLine;
    this.#rebuild();
  }

  /** Builds the tree from the plain values in linear time: each node adds itself to its parent. */
  #rebuild(): void {
    const inLine = this.#inLine;
    const size = inLine.length;
    const tree = new Int32Array(size);
    for (let i = 1; i < size; i++) {
      tree[i] = (tree[i] as number) + (inLine[i] as number);
      const parent = i + (i & -i);
      if (parent < size) tree[parent] = (tree[parent] as number) + (tree[i] as number);
    }
    this.#tree = tree;
  }
}
