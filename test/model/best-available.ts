// What "best available" promises, checked on the seats a gate picked: adjacent seats in one row when a row
// has room, and no single seat stranded beside them when that can be avoided.
import { expect } from 'vitest';
import { type ModelItem, ROWS } from './gate-model.js';

interface FreeRun {
  readonly row: string;
  readonly start: number;
  readonly length: number;
}

export function checkBestAvailable(
  items: readonly ModelItem[],
  free: readonly string[],
  quantity: number,
): void {
  const picked = items.map((item) => item.seatId as string);
  expect(picked).toHaveLength(quantity);
  for (const seat of picked) expect(free).toContain(seat);
  const runs = ROWS.flatMap((row) => freeRuns(row.id, row.seats, free));
  const fitting = runs.filter((run) => run.length >= quantity);
  if (fitting.length === 0) return;
  const row = picked[0]?.split('-')[1];
  const numbers = picked.map((seat) => Number(seat.split('-')[2])).sort((a, b) => a - b);
  const first = numbers[0] as number;
  const last = numbers.at(-1) as number;
  for (const seat of picked) expect(seat.split('-')[1]).toBe(row);
  expect(last - first, `best available ${picked} is adjacent`).toBe(quantity - 1);
  if (!fitting.some((run) => run.length === quantity || run.length - quantity >= 2)) return;
  const run = runs.find((r) => r.row === row && r.start <= first && r.start + r.length > last);
  if (run === undefined) throw new Error('picked seats are not in one free run');
  const strandedLeft = first - run.start === 1;
  const strandedRight = run.start + run.length - 1 - last === 1;
  expect(strandedLeft || strandedRight, `best available ${picked} strands a single seat`).toBe(false);
}

function freeRuns(rowId: string, seats: number, free: readonly string[]): FreeRun[] {
  const runs: FreeRun[] = [];
  let start = 0;
  for (let n = 1; n <= seats + 1; n++) {
    const isFree = n <= seats && free.includes(`A-${rowId}-${n}`);
    if (isFree && start === 0) start = n;
    if (!isFree && start !== 0) {
      runs.push({ row: rowId, start, length: n - start });
      start = 0;
    }
  }
  return runs;
}
