// The on-sale rushes: users hold 1 to 4 units each until everything is gone. pool-rush holds counted stock
// of a pool; seat-rush holds the best available seats of a section. A pool or section is sold out once a
// hold of a single unit is refused as sold_out; the run ends when all are.
import type { Actions, HoldBody } from '../actions.js';
import type { EventLayout } from '../event-layout.js';
import { flowRandom, oneTo, pick } from '../random.js';
import { type FlowSettings, type Scenario, userOf } from './scenario.js';

/** "1 to 4 tickets", as most flash sales allow; lowered to the event's own per-user limit. */
const QUANTITY_MAX = 4;

export function poolRushScenario(layout: EventLayout, settings: FlowSettings): Scenario {
  const pools = layout.pools.map((pool) => pool.id);
  return rushScenario(pools, layout, settings, (userId, poolId, quantity) => ({ userId, quantity, poolId }));
}

export function seatRushScenario(layout: EventLayout, settings: FlowSettings): Scenario {
  const sections = layout.sections.map((section) => section.id);
  return rushScenario(sections, layout, settings, (userId, sectionId, quantity) => ({
    userId,
    quantity,
    sectionId,
  }));
}

function rushScenario(
  stockIds: readonly string[],
  layout: EventLayout,
  settings: FlowSettings,
  bodyOf: (userId: string, stockId: string, quantity: number) => HoldBody,
): Scenario {
  const quantityMax = Math.max(1, Math.min(QUANTITY_MAX, layout.maxPerUser));
  let open = [...stockIds];
  return {
    requestsOf: () => 1,
    isFinished: () => open.length === 0,
    async runFlow(index: number, actions: Actions): Promise<number> {
      if (open.length === 0) return 0;
      const random = flowRandom(settings.seed, index);
      const userId = userOf(random, settings);
      const quantity = oneTo(random, quantityMax);
      // Which stock is still open depends on timing; the pick among the open ones is still seeded.
      const stockId = pick(random, open);
      const placed = await actions.placeHold(bodyOf(userId, stockId, quantity));
      if ('refusal' in placed && placed.refusal.code === 'sold_out' && quantity === 1) {
        open = open.filter((id) => id !== stockId);
      }
      return 1;
    },
  };
}
