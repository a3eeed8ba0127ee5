import { describe, expect, it } from 'vitest';
import type { Quota } from './counter.js';
import { MemoryRateCounter } from './memory-counter.js';

const ip: Quota = { kind: 'ip', limit: { count: 3, windowSeconds: 10 } };
const buyer: Quota = { kind: 'buyer', limit: { count: 1, windowSeconds: 10 } };

describe('memory rate counter', () => {
  it('allows the quota in a window opened by the first request, then refuses until the window ends', () => {
    let now = 1_000_000;
    const counter = new MemoryRateCounter({ clock: () => now });
    const take = () => counter.takeNow([{ quota: ip, who: '10.0.0.1' }]);
    expect([take(), take(), take()].map((verdict) => verdict.remaining[0])).toEqual([2, 1, 0]);
    now += 4_000;
    expect(take()).toEqual({ allowed: false, remaining: [0], resetMs: [6_000] });
    now += 6_000;
    expect(take()).toEqual({ allowed: true, remaining: [2], resetMs: [10_000] });
  });

  it('counts a refused request nowhere: the address keeps its quota when the buyer is over', () => {
    const counter = new MemoryRateCounter({ clock: () => 0 });
    const takes = [
      { quota: ip, who: '10.0.0.1' },
      { quota: buyer, who: 'u-1' },
    ];
    expect(counter.takeNow(takes)).toMatchObject({ allowed: true, remaining: [2, 0] });
    expect(counter.takeNow(takes)).toMatchObject({ allowed: false, remaining: [2, 0] });
    expect(counter.takeNow([{ quota: ip, who: '10.0.0.1' }])).toMatchObject({
      allowed: true,
      remaining: [1],
    });
  });

  it('tracks at most keysMax windows per kind, giving up the oldest first', () => {
    let now = 0;
    const counter = new MemoryRateCounter({ clock: () => now, keysMax: 3 });
    for (let i = 0; i < 10; i++) {
      now += 1;
      counter.takeNow([{ quota: buyer, who: `u-${i}` }]);
    }
    expect(counter.tracked).toBe(3);
    // u-9 is still tracked (refused); u-0 was given up, so it starts a new window.
    expect(counter.takeNow([{ quota: buyer, who: 'u-9' }]).allowed).toBe(false);
    expect(counter.takeNow([{ quota: buyer, who: 'u-0' }]).allowed).toBe(true);
    // Expired windows are dropped before anything live is.
    now += 20_000;
    counter.takeNow([{ quota: buyer, who: 'u-new' }]);
    expect(counter.tracked).toBe(1);
  });

  it('keeps a reopened window when the old place of that counter in the queue is reached', () => {
    let now = 0;
    const counter = new MemoryRateCounter({ clock: () => now, keysMax: 2 });
    const take = (who: string) => counter.takeNow([{ quota: buyer, who }]).allowed;
    expect(take('a')).toBe(true);
    now = 10_000;
    expect(take('a')).toBe(true); // a new window for a; its first one is still queued
    now = 10_001;
    expect(take('b')).toBe(true);
    expect(take('a')).toBe(false);
    expect(take('b')).toBe(false);
    expect(counter.tracked).toBe(2);
  });
});
