// The line's order against a plain array model: positions after pushes one by one or many at once (past the
// tree's growth), removals anywhere, pops from the head and pops undone (newest first), for random command
// sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveOrder } from './live-order.js';

type Command =
  | { kind: 'push' }
  | { kind: 'pushAll'; count: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'pop'; count: number }
  | { kind: 'restore' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'push' as const }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 40 }).map((count) => ({ kind: 'pushAll' as const, count })),
  },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'remove' as const, pick })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }).map((count) => ({ kind: 'pop' as const, count })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restore' as const }) },
);

describe('LiveOrder', () => {
  it('gives every buyer in line its position among those still in line', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1_500, maxLength: 3_000 }), (commands) => {
        const order = new LiveOrder();
        const model: { buyerId: string; index: number }[] = [];
        /** Popped buyers, newest last: a restore undoes the newest pop, as a failed commit does. */
        const popped: { buyerId: string; index: number }[] = [];
        let next = 0;
        for (const c of commands) {
          if (c.kind === 'push') {
            const buyerId = `b${next++}`;
            model.push({ buyerId, index: order.push(buyerId) });
          } else if (c.kind === 'pushAll') {
            const buyers = Array.from({ length: c.count }, () => `b${next++}`);
            const first = order.pushAll(buyers);
            buyers.forEach((buyerId, i) => {
              model.push({ buyerId, index: first + i });
            });
          } else if (c.kind === 'remove' && model.length > 0) {
            const [gone] = model.splice(c.pick % model.length, 1);
            order.remove((gone as { index: number }).index);
          } else if (c.kind === 'pop') {
            const inLine = new Set(model.map((m) => m.index));
            const taken = order.popFront(c.count, (_buyer, index) => inLine.has(index));
            const expected = model.splice(0, c.count);
            expect(taken).toEqual(expected.map((m) => m.buyerId));
            popped.push(...expected);
          } else if (c.kind === 'restore' && popped.length > 0) {
            const back = popped.pop() as { buyerId: string; index: number };
            order.restore(back.index);
            const at = model.findIndex((m) => m.index > back.index);
            model.splice(at < 0 ? model.length : at, 0, back);
          }
        }
        expect(order.size).toBe(model.length);
        model.forEach((m, i) => {
          expect(order.position(m.index)).toBe(i + 1);
        });
      }),
      { numRuns: 20, seed: 20_261_129 },
    );
  });
});
