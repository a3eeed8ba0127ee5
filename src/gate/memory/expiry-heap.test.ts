import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiryHeap } from './expiry-heap.js';

describe('ExpiryHeap', () => {
  it('pops exactly the due items, earliest first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 1000 }),
        (times, now) => {
          const heap = new ExpiryHeap();
          for (const [i, expiresAtMs] of times.entries()) heap.push({ expiresAtMs, holdId: String(i) });
          const popped: number[] = [];
          for (let due = heap.popDue(now); due !== undefined; due = heap.popDue(now))
            popped.push(due.expiresAtMs);
          expect(popped).toEqual(times.filter((t) => t <= now).sort((a, b) => a - b));
          expect(heap.size).toBe(times.filter((t) => t > now).length);
        },
      ),
    );
  });

  it('rebuilds from any items into a valid heap, dropping what it held', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), (times) => {
        const heap = new ExpiryHeap();
        heap.push({ expiresAtMs: -1, holdId: 'stale' });
        heap.rebuild(times.map((expiresAtMs, i) => ({ expiresAtMs, holdId: String(i) })));
        const popped: number[] = [];
        for (let due = heap.popDue(1000); due !== undefined; due = heap.popDue(1000))
          popped.push(due.expiresAtMs);
        expect(popped).toEqual([...times].sort((a, b) => a - b));
      }),
    );
  });
});
