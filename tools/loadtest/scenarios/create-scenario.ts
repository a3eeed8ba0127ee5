// The scenario named on the command line, over the event of the run.
import { UsageError } from '../../bench/options.js';
import type { EventLayout } from '../event-layout.js';
import type { LoadTestOptions } from '../options.js';
import { contentionScenario } from './contention.js';
import { mixScenario } from './mix.js';
import { poolRushScenario, seatRushScenario } from './rush.js';
import type { FlowSettings, Scenario } from './scenario.js';

/** The scenario of the options over the event; a UsageError when the event lacks what it needs. */
export function createScenario(
  options: LoadTestOptions,
  layout: EventLayout,
  settings: FlowSettings,
): Scenario {
  const needs = (what: 'pools' | 'sections') => {
    if (layout[what].length > 0) return;
    const flag = what === 'pools' ? '--capacity' : '--seats';
    const advice = layout.created ? `give ${flag} a size above 0` : 'choose an event that has some';
    throw new UsageError(`The ${options.scenario} scenario needs ${what}: ${advice}.`);
  };
  switch (options.scenario) {
    case 'contention':
      needs('sections');
      return contentionScenario(layout, options.seats, settings);
    case 'pool-rush':
      needs('pools');
      return poolRushScenario(layout, settings);
    case 'seat-rush':
      needs('sections');
      return seatRushScenario(layout, settings);
    case 'mix':
      if (layout.pools.length === 0) needs('sections');
      return mixScenario(layout, options.mix, settings);
    case 'queue':
      // Not a closed loop of flows: its buyers wait in line (tools/loadtest/queue/queue-run.ts).
      throw new UsageError('The queue scenario is driven by its own runner.');
  }
}
