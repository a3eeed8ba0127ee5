// One-seat contention: every flow asks for one of the same few seats (by default a single one), by name.
// Exactly as many holds as there are contested seats may win; everyone else must hear seat_unavailable.
import type { Actions } from '../actions.js';
import { type EventLayout, firstSeatIds } from '../event-layout.js';
import { flowRandom, pick } from '../random.js';
import { type FlowSettings, type Scenario, userOf } from './scenario.js';

export function contentionScenario(
  layout: EventLayout,
  contestedSeats: number,
  settings: FlowSettings,
): Scenario {
  const seats = firstSeatIds(layout, Math.max(1, contestedSeats));
  return {
    requestsOf: () => 1,
    isFinished: () => false,
    async runFlow(index: number, actions: Actions): Promise<number> {
      const random = flowRandom(settings.seed, index);
      await actions.placeHold({ userId: userOf(random, settings), seats: [pick(random, seats)] });
      return 1;
    },
  };
}
