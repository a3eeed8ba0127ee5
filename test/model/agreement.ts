// The checks after every group of commands: the gate's counts and seat map, the durable log (folded here,
// independently of any gate code) and the model agree, and the invariants of DESIGN.md hold.
import { expect } from 'vitest';
import { type HoldEntry, isHoldEntry, type LogEntry } from '../../src/domain/log-entry.js';
import type { Gate } from '../../src/gate/gate.js';
import { MAX_PER_USER, type ModelStatus, POOLS, type SaleModel, SEAT_IDS } from './gate-model.js';
import type { ModelRun } from './model-run.js';

const STATUS_AFTER: Record<HoldEntry['type'], ModelStatus> = {
  hold_placed: 'held',
  hold_confirmed: 'confirmed',
  hold_released: 'released',
  hold_expired: 'expired',
  order_cancelled: 'cancelled',
  hold_extended: 'held',
};

interface FoldedLog {
  readonly statuses: ReadonlyMap<string, ModelStatus>;
  readonly held: number;
  readonly sold: number;
}

export async function checkAgreement(gate: Gate, run: ModelRun, log: readonly LogEntry[]): Promise<void> {
  const { model, eventId } = run;
  const state = await gate.eventState(eventId);
  if (state === undefined) throw new Error('event vanished');
  expect(state.pools.map((pool) => pool.id)).toEqual(Object.keys(POOLS));
  for (const pool of state.pools) {
    const expected = model.pools.get(pool.id);
    expect({ held: pool.held, sold: pool.sold }, `counts of pool ${pool.id}`).toEqual({
      held: expected?.held,
      sold: expected?.sold,
    });
    // Invariant 1: no oversell.
    expect(pool.held + pool.sold, `sold and held of pool ${pool.id}`).toBeLessThanOrEqual(pool.capacity);
    expect(pool.available).toBeGreaterThanOrEqual(0);
  }
  // Section counts are kept incrementally; they must equal the seat map of the model.
  const heldSeats = [...model.seats.values()].filter((seat) => !seat.sold).length;
  const soldSeats = model.seats.size - heldSeats;
  const section = state.sections[0];
  expect(
    { held: section?.held, sold: section?.sold, available: section?.available },
    'section counts',
  ).toEqual({
    held: heldSeats,
    sold: soldSeats,
    available: SEAT_IDS.length - heldSeats - soldSeats,
  });
  const seats = (await gate.seatStates(eventId)) ?? [];
  expect(seats.map((seat) => seat.id)).toEqual(SEAT_IDS);
  for (const seat of seats) {
    const owner = model.seats.get(seat.id);
    expect(seat.status, `status of seat ${seat.id}`).toBe(
      owner === undefined ? 'available' : owner.sold ? 'sold' : 'held',
    );
  }
  checkModelInvariants(model);
  // The waitlist: every waiter of the model in its place, in the gate too.
  for (const userId of ['u1', 'u2', 'u3', 'u4'])
    expect((await gate.waitlistSpot(eventId, userId))?.position, `place of ${userId} in line`).toBe(
      model.position(userId),
    );
  expect({ held: state.held, sold: state.sold }, 'event totals').toEqual(model.totals());
  const folded = foldLog(log);
  expect(statusMismatches(folded.statuses, model), 'holds the log and the model disagree on').toEqual([]);
  expect({ held: folded.held, sold: folded.sold }, 'totals of the log').toEqual(model.totals());
  expect(soldOutMarkMismatches(log), 'entries whose sold-out mark the log contradicts').toEqual([]);
}

/** Invariant 5: holds end. Past every expiry, after one sweep, nothing is held any more. */
export async function checkHoldsEnded(gate: Gate, run: ModelRun): Promise<void> {
  expect((await gate.eventState(run.eventId))?.held, 'held after the final sweep').toBe(0);
  expect([...run.model.holds.values()].every((hold) => hold.status !== 'held')).toBe(true);
}

function checkModelInvariants(model: SaleModel): void {
  // Invariant 2: no double booking — a seat is in at most one live hold or ticket of the model.
  const occupied = [...model.holds.values()]
    .filter((hold) => hold.status === 'held' || hold.status === 'confirmed')
    .flatMap((hold) => hold.items.filter((item) => item.seatId).map((item) => item.seatId));
  expect(new Set(occupied).size, `seats of live holds and tickets: ${occupied}`).toBe(occupied.length);
  // The per-user limit counts live holds and tickets.
  for (const count of model.userItems.values()) expect(count).toBeLessThanOrEqual(MAX_PER_USER);
}

/** Holds whose status in the log differs from the model's (a plain loop: deep equality is slow here). */
function statusMismatches(logged: ReadonlyMap<string, ModelStatus>, model: SaleModel) {
  const mismatches: { holdId: string; log?: ModelStatus; model?: ModelStatus }[] = [];
  for (const [holdId, hold] of model.holds)
    if (logged.get(holdId) !== hold.status)
      mismatches.push({ holdId, log: logged.get(holdId), model: hold.status });
  for (const [holdId, status] of logged)
    if (!model.holds.has(holdId)) mismatches.push({ holdId, log: status });
  return mismatches;
}

/**
 * The state the durable log describes: each hold placed once, ended at most once, an order cancelled at most
 * once and only once confirmed, no seat taken twice.
 */
function foldLog(entries: readonly LogEntry[]): FoldedLog {
  const holds = new Map<string, { status: ModelStatus; count: number; seatIds: string[] }>();
  for (const entry of entries.filter(isHoldEntry)) {
    const previous = holds.get(entry.hold.id)?.status ?? 'none';
    // A late confirm that re-took its items comes after the hold's expiry; every other ending after a live hold.
    const retaken = entry.type === 'hold_confirmed' && entry.retaken === true;
    expect(previous, `status of ${entry.hold.id} before its ${entry.type}`).toBe(
      entry.type === 'hold_placed'
        ? 'none'
        : entry.type === 'order_cancelled'
          ? 'confirmed'
          : retaken
            ? 'expired'
            : 'held',
    );
    const count = entry.hold.items.reduce((sum, item) => sum + item.quantity, 0);
    const seatIds = entry.hold.items.flatMap((item) => (item.seatId === undefined ? [] : [item.seatId]));
    holds.set(entry.hold.id, { status: STATUS_AFTER[entry.type], count, seatIds });
  }
  let held = 0;
  let sold = 0;
  const taken: string[] = [];
  for (const { status, count, seatIds } of holds.values()) {
    if (status === 'held') held += count;
    if (status === 'confirmed') sold += count;
    if (status === 'held' || status === 'confirmed') taken.push(...seatIds);
  }
  expect(new Set(taken).size, `seats taken by the log: ${taken}`).toBe(taken.length);
  const statuses = new Map([...holds].map(([id, hold]) => [id, hold.status]));
  return { statuses, held, sold };
}

/**
 * The sold-out marks (domain/log-entry.ts SoldOutMark) the log itself contradicts: folded from the event's
 * capacity, an entry that takes stock and leaves none on sale must carry the mark, and no other entry may.
 */
function soldOutMarkMismatches(entries: readonly LogEntry[]): string[] {
  let available = Object.values(POOLS).reduce((sum, capacity) => sum + capacity, 0) + SEAT_IDS.length;
  const mismatches: string[] = [];
  for (const entry of entries.filter(isHoldEntry)) {
    const count = entry.hold.items.reduce((sum, item) => sum + item.quantity, 0);
    const takes = entry.type === 'hold_placed' || (entry.type === 'hold_confirmed' && entry.retaken === true);
    if (takes) available -= count;
    else if (
      entry.type === 'hold_released' ||
      entry.type === 'hold_expired' ||
      entry.type === 'order_cancelled'
    )
      available += count;
    const marked =
      (entry.type === 'hold_placed' || entry.type === 'hold_confirmed') && entry.soldOut === true;
    if (marked !== (takes && available === 0))
      mismatches.push(
        `${entry.type} of ${entry.hold.id} ${marked ? 'marked' : 'unmarked'}, ${available} left`,
      );
  }
  return mismatches;
}
