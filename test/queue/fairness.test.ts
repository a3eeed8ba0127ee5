// Fair start: the buyers who join before salesStartAt, whatever their arrival order, end up in a uniformly
// random order. Over 2,400 simulated starts of four buyers joining in the same order, the 24 possible orders
// must be equally likely: a chi-square test with 23 degrees of freedom at significance 0.001 (critical
// value 49.73), with a fixed seed so that the run is reproducible. The draws go through the service and
// the adapter exactly as in production; only their source is seeded (production: cryptoDraw).
import { describe, expect, it } from 'vitest';
import { QueuePasses } from '../../src/queue/passes.js';
import { cryptoDraw, QueueService } from '../../src/queue/queue-service.js';
import { type RoomFixture, roomKinds } from './room-fixtures.js';

const T0 = 1_900_000_000_000;
const STARTS = 2_400;
const BUYERS = ['first', 'second', 'third', 'fourth'];
/** chi-square, 23 degrees of freedom, upper tail 0.001. */
const CRITICAL_0_001_DF_23 = 49.728;

/** mulberry32: a small seeded generator, for reproducible simulations only. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function chiSquare(counts: ReadonlyMap<string, number>, cells: number, total: number): number {
  const expected = total / cells;
  let sum = 0;
  for (const count of counts.values()) sum += (count - expected) ** 2 / expected;
  // Orders never seen count too.
  sum += (cells - counts.size) * expected;
  return sum;
}

for (const kind of roomKinds()) {
  describe(`fair start: ${kind.name}`, () => {
    it('draws the early joiners into a uniformly random order (chi-square, p = 0.001, fixed seed)', async () => {
      const fixture: RoomFixture = await kind.open();
      try {
        let now = T0;
        const queue = new QueueService({
          room: fixture.room,
          passes: new QueuePasses('x'.repeat(32)),
          gate: { eventState: async () => undefined },
          clock: () => now,
          abandonAfterMs: 3_600_000,
          draw: seeded(20_261_129),
        });
        const orders = new Map<string, number>();
        const runId = Math.random().toString(36).slice(2, 8);
        for (let start = 0; start < STARTS; start++) {
          const eventId = `fair-${runId}-${start}`;
          now = T0;
          await queue.configure(eventId, {
            opensAtMs: T0,
            salesStartAtMs: T0 + 60_000,
            admitPerMinute: 60,
            passMinutes: 10,
            maxActive: 10,
            paused: false,
          });
          for (const buyer of BUYERS) {
            now += 1_000;
            await queue.join(eventId, buyer);
          }
          now = T0 + 60_000;
          const views = await queue.statuses(eventId, BUYERS);
          const order = BUYERS.map((buyer, i) => [views[i]?.position as number, buyer] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, buyer]) => buyer)
            .join(',');
          orders.set(order, (orders.get(order) ?? 0) + 1);
        }
        expect(orders.size).toBe(24);
        expect(chiSquare(orders, 24, STARTS)).toBeLessThan(CRITICAL_0_001_DF_23);
        // Arrival gives no advantage: the first to arrive is first in about a quarter of the starts.
        const firstFirst = [...orders].filter(([order]) => order.startsWith('first,'));
        const share = firstFirst.reduce((sum, [, count]) => sum + count, 0) / STARTS;
        expect(share).toBeGreaterThan(0.2);
        expect(share).toBeLessThan(0.3);
      } finally {
        await fixture.close();
      }
    }, 180_000);
  });
}

describe('the production draw', () => {
  it('is in [0, 1) and spreads over ten equal bins', () => {
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const draw = cryptoDraw();
      expect(draw).toBeGreaterThanOrEqual(0);
      expect(draw).toBeLessThan(1);
      bins[Math.floor(draw * 10)] = (bins[Math.floor(draw * 10)] ?? 0) + 1;
    }
    // Expected 1,000 each, standard deviation 30: 200 off is more than six deviations.
    for (const count of bins) expect(Math.abs(count - 1_000)).toBeLessThan(200);
  });
});
