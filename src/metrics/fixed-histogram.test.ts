import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FixedHistogram } from './fixed-histogram.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];

describe('FixedHistogram', () => {
  it('exposes exactly what prom-client’s Histogram exposes for the same observations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('200', '409'), fc.double({ min: 0, max: 3, noNaN: true })), {
          maxLength: 50,
        }),
        async (observations) => {
          const ours = new Registry();
          const theirs = new Registry();
          const fixed = new FixedHistogram({
            name: 'h_seconds',
            help: 'h',
            buckets: BUCKETS,
            registry: ours,
          });
          const reference = new Histogram({
            name: 'h_seconds',
            help: 'h',
            buckets: BUCKETS,
            labelNames: ['status'],
            registers: [theirs],
          });
          const recorders = new Map<string, (value: number) => void>();
          for (const [status, value] of observations) {
            if (!recorders.has(status)) recorders.set(status, fixed.recorder({ status }));
            recorders.get(status)?.(value);
            reference.observe({ status }, value);
          }
          const lines = (text: string) =>
            text
              .split('\n')
              .filter((line) => line !== '')
              .sort();
          expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
        },
      ),
      { numRuns: 100 },
    );
  });
});
