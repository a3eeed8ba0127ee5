// Could every 2xx of the run have been true at once? Each accepted hold claimed its items at least from the
// moment its answer arrived until the earliest moment it may have ended: a confirmed hold never ends (its
// seats are sold), a released one may have ended when the release was sent, any other one cannot have
// expired before sentAt + TTL. Two such intervals on one seat, or more units at one instant than a pool or
// the event has, are an oversell or a double booking the server answered 2xx to.
import type { EventLayout } from './event-layout.js';
import { type AcceptedHold, type Tally, unitsOf } from './tally.js';

export interface TallySummary {
  readonly acceptedHolds: number;
  readonly acceptedUnits: number;
  readonly confirmedOrders: number;
  readonly confirmedTickets: number;
  readonly releasedHolds: number;
  /** Holds neither confirmed nor released by the client: abandoned (mix) or simply held (the rushes). */
  readonly unendedHolds: number;
  readonly idempotentRetries: number;
  /** Most units the accepted holds certainly claimed at one instant. */
  readonly peakClaimedUnits: number;
}

export interface TallyCheck {
  readonly summary: TallySummary;
  readonly problems: readonly string[];
}

/** Too many findings of one kind say nothing more; the report keeps the first ones. */
const PROBLEMS_PER_CHECK_MAX = 10;

export function checkTally(tally: Tally, layout: EventLayout): TallyCheck {
  const holds = [...tally.holds.values()];
  const peak = peakUnits(holds, () => true);
  const problems = [
    ...tally.problems,
    ...limited(seatsClaimedTwice(holds)),
    ...limited(poolsOverCapacity(holds, layout)),
    ...limited(ticketProblems(tally)),
  ];
  if (peak > layout.capacity) {
    problems.push(`accepted holds claimed ${peak} units at once; the event has ${layout.capacity}`);
  }
  const tickets = [...tally.orders.values()].reduce((sum, order) => sum + order.tickets.length, 0);
  return {
    summary: {
      acceptedHolds: holds.length,
      acceptedUnits: holds.reduce((sum, hold) => sum + unitsOf(hold.items), 0),
      confirmedOrders: tally.orders.size,
      confirmedTickets: tickets,
      releasedHolds: holds.filter((hold) => hold.ending?.kind === 'released').length,
      unendedHolds: holds.filter((hold) => hold.ending === undefined).length,
      idempotentRetries: tally.retries,
      peakClaimedUnits: peak,
    },
    problems,
  };
}

/** The last instant the hold certainly still claimed its items. */
export function certainEndMs(hold: AcceptedHold): number {
  const expiresNoEarlierThan = hold.sentAtMs + hold.ttlMs;
  if (hold.ending?.kind === 'confirmed') return Number.POSITIVE_INFINITY;
  if (hold.ending?.kind === 'released') return Math.min(hold.ending.requestedAtMs, expiresNoEarlierThan);
  return expiresNoEarlierThan;
}

function seatsClaimedTwice(holds: readonly AcceptedHold[]): string[] {
  const bySeat = new Map<string, AcceptedHold[]>();
  for (const hold of holds) {
    for (const item of hold.items) {
      if (item.seatId === undefined) continue;
      const list = bySeat.get(item.seatId) ?? [];
      list.push(hold);
      bySeat.set(item.seatId, list);
    }
  }
  const problems: string[] = [];
  for (const [seatId, claims] of bySeat) {
    if (claims.length < 2) continue;
    claims.sort((a, b) => a.receivedAtMs - b.receivedAtMs);
    let previous = claims[0] as AcceptedHold;
    for (const claim of claims.slice(1)) {
      if (claim.receivedAtMs < certainEndMs(previous)) {
        problems.push(`seat ${seatId} was accepted twice at once: holds ${previous.id} and ${claim.id}`);
      }
      if (certainEndMs(claim) > certainEndMs(previous)) previous = claim;
    }
  }
  return problems;
}

function poolsOverCapacity(holds: readonly AcceptedHold[], layout: EventLayout): string[] {
  const problems: string[] = [];
  for (const pool of layout.pools) {
    const peak = peakUnits(holds, (item) => item.poolId === pool.id);
    if (peak > pool.capacity) {
      problems.push(
        `pool ${pool.id}: accepted holds claimed ${peak} at once; its capacity is ${pool.capacity}`,
      );
    }
  }
  return problems;
}

/** The most units the holds certainly claimed at one instant, counting the items that `counts` selects. */
function peakUnits(
  holds: readonly AcceptedHold[],
  counts: (item: AcceptedHold['items'][number]) => boolean,
): number {
  const changes: { atMs: number; units: number }[] = [];
  for (const hold of holds) {
    const units = unitsOf(hold.items.filter(counts));
    if (units === 0) continue;
    changes.push({ atMs: hold.receivedAtMs, units });
    const endMs = certainEndMs(hold);
    if (endMs !== Number.POSITIVE_INFINITY) changes.push({ atMs: endMs, units: -units });
  }
  // Intervals are half-open: at equal times an end is applied before a start.
  changes.sort((a, b) => a.atMs - b.atMs || a.units - b.units);
  let claimed = 0;
  let peak = 0;
  for (const change of changes) {
    claimed += change.units;
    peak = Math.max(peak, claimed);
  }
  return peak;
}

function ticketProblems(tally: Tally): string[] {
  const problems: string[] = [];
  const ticketIds = new Set<string>();
  const soldSeats = new Map<string, string>();
  for (const order of tally.orders.values()) {
    const hold = tally.holds.get(order.holdId);
    if (hold !== undefined && unitsOf(hold.items) !== order.tickets.length) {
      problems.push(
        `order ${order.orderId} has ${order.tickets.length} tickets for ${unitsOf(hold.items)} held`,
      );
    }
    for (const ticket of order.tickets) {
      if (ticketIds.has(ticket.id)) problems.push(`ticket ${ticket.id} appears in two orders`);
      ticketIds.add(ticket.id);
      if (ticket.seatId === undefined) continue;
      const other = soldSeats.get(ticket.seatId);
      if (other !== undefined)
        problems.push(`seat ${ticket.seatId} was sold twice: ${other} and ${order.orderId}`);
      soldSeats.set(ticket.seatId, order.orderId);
    }
  }
  return problems;
}

function limited(problems: readonly string[]): string[] {
  if (problems.length <= PROBLEMS_PER_CHECK_MAX) return [...problems];
  const more = problems.length - PROBLEMS_PER_CHECK_MAX;
  return [...problems.slice(0, PROBLEMS_PER_CHECK_MAX), `… and ${more} more like these`];
}
