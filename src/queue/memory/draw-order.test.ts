// The bucket sort of the draws against a plain comparison sort, for random draws with ties and extremes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderByDraw } from './draw-order.js';

const draw = fc.oneof(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fc.constantFrom(0, 0.5, 1 - 2 ** -53),
);

describe('orderByDraw', () => {
  it('orders indices by draw, then by key, as a comparison sort does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(draw, fc.string({ maxLength: 3 })), { maxLength: 300 }), (joiners) => {
        const draws = Float64Array.from(joiners.map(([d]) => d));
        const keys = joiners.map(([, key]) => key);
        const expected = joiners
          .map((_, i) => i)
          .sort((a, b) => {
            const d = (draws[a] as number) - (draws[b] as number);
            if (d !== 0) return d;
            return (keys[a] as string) < (keys[b] as string)
              ? -1
              : (keys[a] as string) > (keys[b] as string)
                ? 1
                : 0;
          });
        const order = [...orderByDraw(draws, keys)];
        // Equal (draw, key) pairs may come in either order: compare the pairs, not the indices.
        const pairs = (indices: number[]) => indices.map((i) => `${draws[i]}|${keys[i]}`);
        expect(pairs(order)).toEqual(pairs(expected));
        expect([...order].sort((a, b) => a - b)).toEqual(joiners.map((_, i) => i));
      }),
      { numRuns: 300, seed: 20_261_129 },
    );
  });
});
