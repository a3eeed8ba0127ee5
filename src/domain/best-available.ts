// Best-available seat choice within a section. Rows are ordered best first (row order of the definition).
// Preference: n adjacent seats in one row, placed so that no single empty seat is stranded between taken
// ones (a seat nobody can sell to a pair); then adjacent seats even if one is stranded; then the first free
// seats of the section, front rows first, when no row has n adjacent free seats.

export interface RowRange {
  /** Index of the row's first seat in the event's seat arrays. */
  readonly start: number;
  readonly count: number;
  /** Free seats in the row, kept by the gate so full rows are skipped without a scan. */
  readonly available: number;
}

/** `free(i)` tells whether seat index i is free. Returns seat indexes, or undefined if fewer than n are free. */
export function pickBestAvailable(
  rows: readonly RowRange[],
  quantity: number,
  free: (index: number) => boolean,
): number[] | undefined {
  let fallback: number | undefined;
  for (const row of rows) {
    if (row.available < quantity) continue;
    let runStart = -1;
    for (let i = row.start; i <= row.start + row.count; i++) {
      const isFree = i < row.start + row.count && free(i);
      if (isFree) {
        if (runStart < 0) runStart = i;
        continue;
      }
      if (runStart >= 0) {
        const length = i - runStart;
        // Left-aligned in the run: the leftover is one block on the right; a block of exactly 1 strands a seat.
        if (length === quantity || length - quantity >= 2) return range(runStart, quantity);
        if (length > quantity && fallback === undefined) fallback = runStart;
        runStart = -1;
      }
    }
  }
  if (fallback !== undefined) return range(fallback, quantity);
  return scattered(rows, quantity, free);
}

function range(start: number, count: number): number[] {
  const seats = new Array<number>(count);
  for (let i = 0; i < count; i++) seats[i] = start + i;
  return seats;
}

function scattered(rows: readonly RowRange[], quantity: number, free: (index: number) => boolean) {
  const seats: number[] = [];
  for (const row of rows) {
    if (row.available === 0) continue;
    for (let i = row.start; i < row.start + row.count && seats.length < quantity; i++) {
      if (free(i)) seats.push(i);
    }
    if (seats.length === quantity) return seats;
  }
  return undefined;
}
