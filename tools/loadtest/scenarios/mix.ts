// The realistic mix: a user holds 1 to 4 units (from the pool or best available in a section, in
// proportion to their size), then confirms, releases, or abandons the hold — leaves it to expire — in the
// --mix proportions. One flow in four sends its hold with an Idempotency-Key and sends it again, as a
// client does when an answer is lost; the second answer must name the same hold.
import type { Actions, HoldBody } from '../actions.js';
import type { EventLayout } from '../event-layout.js';
import type { MixRatios } from '../options.js';
import { flowRandom, oneTo } from '../random.js';
import { type FlowSettings, type Scenario, userOf } from './scenario.js';

const QUANTITY_MAX = 4;
/** Share of flows that carry an Idempotency-Key and retry their hold once. */
const RETRIED_FLOW_SHARE = 0.25;

type Ending = 'confirm' | 'release' | 'abandon';

interface MixFlow {
  readonly body: HoldBody;
  readonly ending: Ending;
  readonly idempotencyKey: string | undefined;
}

export function mixScenario(layout: EventLayout, ratios: MixRatios, settings: FlowSettings): Scenario {
  const planOf = (index: number) => planFlow(index, layout, ratios, settings);
  return {
    requestsOf(index: number): number {
      const flow = planOf(index);
      return 1 + (flow.idempotencyKey === undefined ? 0 : 1) + (flow.ending === 'abandon' ? 0 : 1);
    },
    isFinished: () => false,
    async runFlow(index: number, actions: Actions): Promise<number> {
      const flow = planOf(index);
      const placed = await actions.placeHold(flow.body, flow.idempotencyKey);
      if (!('hold' in placed)) return 1;
      let sent = 1;
      if (flow.idempotencyKey !== undefined) {
        await actions.retryHold(placed.hold, flow.body, flow.idempotencyKey);
        sent++;
      }
      if (flow.ending === 'abandon') return sent;
      if (flow.ending === 'confirm') await actions.confirmHold(placed.hold);
      else await actions.releaseHold(placed.hold);
      return sent + 1;
    },
  };
}

export function planFlow(
  index: number,
  layout: EventLayout,
  ratios: MixRatios,
  settings: FlowSettings,
): MixFlow {
  const random = flowRandom(settings.seed, index);
  const userId = userOf(random, settings);
  const quantity = oneTo(random, Math.max(1, Math.min(QUANTITY_MAX, layout.maxPerUser)));
  const body = { userId, quantity, ...stockOf(random(), layout) };
  const percent = random() * 100;
  const ending: Ending =
    percent < ratios.confirmPercent
      ? 'confirm'
      : percent < ratios.confirmPercent + ratios.releasePercent
        ? 'release'
        : 'abandon';
  const retried = random() < RETRIED_FLOW_SHARE;
  return { body, ending, idempotencyKey: retried ? `lt-${settings.runTag}-${index}` : undefined };
}

/** A pool or a section, each as likely as its share of the event's units. */
function stockOf(draw: number, layout: EventLayout): { poolId: string } | { sectionId: string } {
  const choices = [
    ...layout.pools.map((pool) => ({ stock: { poolId: pool.id }, units: pool.capacity })),
    ...layout.sections.map((section) => ({
      stock: { sectionId: section.id },
      units: section.rows.reduce((sum, row) => sum + row.seats, 0),
    })),
  ];
  const total = choices.reduce((sum, choice) => sum + choice.units, 0);
  let threshold = draw * total;
  for (const choice of choices) {
    threshold -= choice.units;
    if (threshold < 0) return choice.stock;
  }
  return (choices[choices.length - 1] as (typeof choices)[number]).stock;
}
