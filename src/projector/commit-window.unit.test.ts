import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommitWindow } from './commit-window.js';

describe('CommitWindow', () => {
  it('never runs exclusive work beside anything, runs shared work side by side, and exclusives in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        async (s, kinds) => {
          const window = new CommitWindow();
          let shared = 0;
          let exclusive = 0;
          const exclusivesAsked: number[] = [];
          const exclusivesDone: number[] = [];
          const problems: string[] = [];
          const runs = kinds.map((isExclusive, i) => {
            const work = async () => {
              if (isExclusive) exclusive++;
              else shared++;
              if (exclusive > 1 || (exclusive === 1 && shared > 0)) problems.push(`overlap at work ${i}`);
              await s.schedule(Promise.resolve(), `work ${i}`);
              if (isExclusive) {
                exclusive--;
                exclusivesDone.push(i);
              } else shared--;
            };
            // Each work is asked for at a moment the scheduler picks.
            return s.schedule(Promise.resolve(), `ask ${i}`).then(() => {
              if (!isExclusive) return window.shared(work);
              exclusivesAsked.push(i);
              return window.exclusive(work);
            });
          });
          await s.waitFor(Promise.all(runs));
          expect(problems).toEqual([]);
          expect(exclusivesDone).toEqual(exclusivesAsked);
          expect(shared + exclusive).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lets shared work overlap while no exclusive work is asked for', async () => {
    const window = new CommitWindow();
    let release: () => void = () => {};
    const first = window.shared(() => new Promise<void>((resolve) => (release = resolve)));
    let secondRan = false;
    await window.shared(async () => {
      secondRan = true;
    });
    expect(secondRan).toBe(true);
    release();
    await first;
  });

  it('holds shared work asked after an exclusive one until that one is done', async () => {
    const window = new CommitWindow();
    const order: string[] = [];
    let release: () => void = () => {};
    const running = window.shared(() => new Promise<void>((resolve) => (release = resolve)));
    const exclusive = window.exclusive(async () => {
      order.push('exclusive');
    });
    const later = window.shared(async () => {
      order.push('later shared');
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    release();
    await Promise.all([running, exclusive, later]);
    expect(order).toEqual(['exclusive', 'later shared']);
  });
});
