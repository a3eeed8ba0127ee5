// Consumer groups of the file log, in memory; their positions are made durable by positions-file.ts. A
// group's `acked` watermark is the first seq it has not acknowledged: everything below it is done, so a
// restart delivers again from there (projection is idempotent, so a record delivered twice is harmless).
import type { Deliveries, Pending } from '../sequenced-groups.js';

export class GroupState implements Deliveries {
  /** Records with seq below this were delivered. */
  next: number;
  readonly pending = new Map<number, Pending>();
  /** The watermark last written to disk. */
  persisted: number;

  constructor(start: number) {
    this.next = start;
    this.persisted = start;
  }

  /** The first seq not acknowledged. */
  acked(): number {
    let low = this.next;
    for (const seq of this.pending.keys()) if (seq < low) low = seq;
    return low;
  }
}
