// Turns an event's counts hash into the EventState the API shows: the scripts keep only held and sold per
// pool and per section; capacity comes from the definition and available is what is left.
import type { Availability, EventState } from '../../domain/types.js';
import { COUNT_FIELDS } from '../../log/redis/encoding.js';
import type { EventLayout } from './layout.js';

/** HGETALL's flat [field, value, ...] as a map of numbers. */
export function countsOf(flat: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) counts.set(flat[i] as string, Number(flat[i + 1]));
  return counts;
}

function availability(capacity: number, counts: Map<string, number>, prefix: string): Availability {
  const held = counts.get(`${prefix}${COUNT_FIELDS.held}`) ?? 0;
  const sold = counts.get(`${prefix}${COUNT_FIELDS.sold}`) ?? 0;
  return { capacity, available: capacity - held - sold, held, sold };
}

export function stateOf(layout: EventLayout, counts: Map<string, number>): EventState {
  const pools = layout.spec.pools.map((pool) => ({
    id: pool.id,
    ...availability(pool.capacity, counts, `${COUNT_FIELDS.pool}${pool.id}`),
  }));
  const sections = [...layout.sections.values()].map((section) => ({
    id: section.id,
    ...availability(section.count, counts, `${COUNT_FIELDS.section}${section.id}`),
  }));
  let held = 0;
  let sold = 0;
  for (const part of [...pools, ...sections]) {
    held += part.held;
    sold += part.sold;
  }
  return {
    spec: layout.spec,
    salesOpen: counts.get(COUNT_FIELDS.closed) !== 1,
    capacity: layout.capacity,
    available: layout.capacity - held - sold,
    held,
    sold,
    pools,
    sections,
  };
}
