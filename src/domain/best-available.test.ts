import { describe, expect, it } from 'vitest';
import { pickBestAvailable, type RowRange } from './best-available.js';

/** Rows from strings: '.' free, 'x' taken. Returns the rows and a free() over them. */
function layout(...rows: string[]) {
  const seats = rows.join('');
  let start = 0;
  const ranges: RowRange[] = rows.map((row) => {
    const range = { start, count: row.length, available: [...row].filter((c) => c === '.').length };
    start += row.length;
    return range;
  });
  return { rows: ranges, free: (i: number) => seats[i] === '.' };
}

describe('pickBestAvailable', () => {
  it('takes adjacent seats in the first row that has room', () => {
    const { rows, free } = layout('xx.xx', '.....');
    expect(pickBestAvailable(rows, 2, free)).toEqual([5, 6]);
  });

  it('does not strand a single seat when another placement exists', () => {
    // Row 1 has a run of 3: taking 2 strands one. Row 2's run of 4 leaves a pair.
    const { rows, free } = layout('x...x', '....x');
    expect(pickBestAvailable(rows, 2, free)).toEqual([5, 6]);
  });

  it('fills an exact gap first', () => {
    const { rows, free } = layout('x..xx', '.....');
    expect(pickBestAvailable(rows, 2, free)).toEqual([1, 2]);
  });

  it('strands a seat only when every adjacent placement would', () => {
    const { rows, free } = layout('x...x', 'xxxxx');
    expect(pickBestAvailable(rows, 2, free)).toEqual([1, 2]);
  });

  it('falls back to scattered seats, front rows first, when no row has room together', () => {
    const { rows, free } = layout('.x.x', 'x.xx');
    expect(pickBestAvailable(rows, 3, free)).toEqual([0, 2, 5]);
  });

  it('answers undefined when fewer seats are free than asked', () => {
    const { rows, free } = layout('.xx', 'x.x');
    expect(pickBestAvailable(rows, 3, free)).toBeUndefined();
  });
});
