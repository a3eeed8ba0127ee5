// Model-based property test: random groups of concurrent commands (hold by pool, by seats, best available,
// direct order, confirm, release, time passing, expiry sweep, idempotent retries, failed commits) run
// against the memory gate and the trivial model of gate-model.ts side by side. After every group the gate,
// the model and the durable log must agree, and the invariants of DESIGN.md must hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/errors.js';
import { fingerprintOf } from '../../src/domain/hold-request.js';
import type { LogEntry } from '../../src/domain/log-entry.js';
import type { EventSpec, HoldRequest } from '../../src/domain/types.js';
import type { PlaceOutcome } from '../../src/gate/gate.js';
import { MemoryGate } from '../../src/gate/memory/memory-gate.js';
import { GroupCommit } from '../../src/journal/group-commit.js';
import { MAX_PER_USER, type ModelItem, POOLS, ROWS, SaleModel, SEAT_IDS, TTL_MS } from './gate-model.js';

const EVENT_ID = 'model';
const SPEC: EventSpec = {
  id: EVENT_ID,
  name: 'Model',
  venue: 'Model Hall',
  startsAt: '2027-01-01T20:00:00.000Z',
  holdTtlSeconds: TTL_MS / 1000,
  maxPerUser: MAX_PER_USER,
  pools: Object.entries(POOLS).map(([id, capacity]) => ({ id, name: id, capacity, price: 100 })),
  sections: [{ id: 'A', name: 'A', price: 500, rows: ROWS }],
};

type Command =
  | { t: 'place'; request: HoldRequest; key?: string; confirm: boolean }
  | { t: 'confirm' | 'release'; pick: number }
  | { t: 'advance'; ms: number }
  | { t: 'sweep' };

const user = fc.constantFrom('u1', 'u2', 'u3', 'u4');
const key = fc.option(fc.constantFrom('k1', 'k2', 'k3'), { freq: 3, nil: undefined });
const request: fc.Arbitrary<HoldRequest> = fc.oneof(
  fc.record({
    userId: user,
    quantity: fc.integer({ min: 1, max: 3 }),
    poolId: fc.constantFrom('ga', 'vip', 'nope'),
  }),
  fc.record({
    userId: user,
    seats: fc.uniqueArray(fc.constantFrom(...SEAT_IDS, 'A-9-9'), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ userId: user, seats: fc.constantFrom(['A-1-1', 'A-1-1']) }),
  fc.record({ userId: user, quantity: fc.integer({ min: 1, max: 4 }), sectionId: fc.constant('A') }),
);
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ t: fc.constant('place' as const), request, key, confirm: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constantFrom('confirm' as const, 'release' as const), pick: fc.nat(40) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 12_000 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'sweep' as const }) },
);
const group = fc.record({
  commands: fc.array(command, { minLength: 1, maxLength: 5 }),
  fault: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
});

class Harness {
  readonly model = new SaleModel();
  readonly written: LogEntry[] = [];
  failing = false;
  nowMs = 1_800_000_000_000;
  readonly holdIds: string[] = [];
  readonly journal = new GroupCommit(async (entries) => {
    if (this.failing) throw new Error('injected commit failure');
    this.written.push(...entries);
  });
  readonly gate = new MemoryGate(this.journal);

  /** Runs one group: every decision in one tick (so one commit batch), then awaits all of them. */
  async runGroup(commands: readonly Command[], fault: boolean): Promise<void> {
    this.failing = fault;
    const before = structuredClone(this.model);
    const durables: Promise<void>[] = [];
    const checks: Promise<void>[] = [];
    for (const command of commands) this.#run(command, durables, checks);
    // Checks first: confirm and release add their durable promise once their outcome is known.
    await Promise.all(checks);
    const settled = await Promise.allSettled(durables);
    if (fault) {
      for (const result of settled) expect(result.status).toBe('rejected');
      Object.assign(this.model, before);
    } else {
      for (const result of settled) expect(result.status).toBe('fulfilled');
    }
    this.failing = false;
  }

  #run(command: Command, durables: Promise<void>[], checks: Promise<void>[]): void {
    switch (command.t) {
      case 'advance':
        this.nowMs += command.ms;
        return;
      case 'sweep': {
        const due = this.model.dueHolds(this.nowMs);
        const swept = this.gate.sweep(this.nowMs);
        expect(swept.expired).toBe(due.length);
        for (const holdId of due) this.model.end(holdId, 'expired');
        // A sweep that expired nothing wrote nothing, so it cannot fail.
        if (swept.expired > 0) durables.push(swept.durable);
        return;
      }
      case 'confirm':
      case 'release': {
        const holdId = this.holdIds[command.pick % Math.max(1, this.holdIds.length)] ?? 'h.model.unknown';
        const expected = this.model.endRefusal(holdId, this.nowMs);
        const pending =
          command.t === 'confirm'
            ? this.gate.confirmHold(holdId, this.nowMs)
            : this.gate.releaseHold(holdId, this.nowMs);
        if (expected === undefined)
          this.model.end(holdId, command.t === 'confirm' ? 'confirmed' : 'released');
        checks.push(
          pending.then((outcome) => {
            expect(outcome.ok ? undefined : outcome.code).toBe(expected);
            if (outcome.ok) durables.push(outcome.durable);
          }),
        );
        return;
      }
      case 'place':
        this.#place(command, durables);
    }
  }

  #place(command: Extract<Command, { t: 'place' }>, durables: Promise<void>[]): void {
    const { request, key, confirm } = command;
    const expected = this.#expectedPlacement(command);
    const free = this.model.freeSeats();
    const outcome: PlaceOutcome = this.gate.place({
      eventId: EVENT_ID,
      request,
      idempotencyKey: key,
      confirm,
      nowMs: this.nowMs,
    });
    if (!outcome.ok) {
      expect(outcome.code).toBe(expected.code);
      return;
    }
    expect(expected.code).toBeUndefined();
    if (outcome.kind === 'replayed') {
      expect(outcome.holdId).toBe(expected.replayOf);
      // A replay changes nothing; it waits for whatever is in flight, which may fail in a fault group.
      outcome.durable.catch(() => {});
      return;
    }
    expect(expected.replayOf).toBeUndefined();
    const items: ModelItem[] = outcome.hold.items.map((item) => ({
      seatId: item.seatId,
      poolId: item.poolId,
      quantity: item.quantity,
    }));
    if (request.sectionId !== undefined) checkBestAvailable(items, free, request.quantity as number);
    this.model.place(outcome.hold.id, request.userId, items, this.nowMs);
    if (confirm) this.model.end(outcome.hold.id, 'confirmed');
    if (key !== undefined)
      this.model.idempotency.set(key, {
        fingerprint: fingerprintOf(request, confirm ? 'order' : 'hold'),
        holdId: outcome.hold.id,
      });
    this.holdIds.push(outcome.hold.id);
    durables.push(outcome.durable);
  }

  #expectedPlacement(command: Extract<Command, { t: 'place' }>): { code?: ErrorCode; replayOf?: string } {
    const { request, key, confirm } = command;
    if (key !== undefined) {
      const known = this.model.idempotency.get(key);
      if (known !== undefined) {
        const same = known.fingerprint === fingerprintOf(request, confirm ? 'order' : 'hold');
        return same ? { replayOf: known.holdId } : { code: 'idempotency_key_reused' };
      }
    }
    const quantity = request.seats?.length ?? (request.quantity as number);
    const code =
      (request.poolId !== undefined
        ? this.model.poolRefusal(request.poolId, quantity)
        : request.seats !== undefined
          ? this.model.seatsRefusal(request.seats)
          : this.model.freeSeats().length < quantity
            ? 'sold_out'
            : undefined) ?? this.model.refusal(request.userId, quantity);
    return { code };
  }

  /** Gate, model and the durable log agree, and the invariants hold. */
  async checkAgreement(): Promise<void> {
    const state = await this.gate.eventState(EVENT_ID);
    if (state === undefined) throw new Error('event vanished');
    for (const pool of state.pools) {
      const expected = this.model.pools.get(pool.id) as { capacity: number; held: number; sold: number };
      expect({ held: pool.held, sold: pool.sold }).toEqual({ held: expected.held, sold: expected.sold });
      // Invariant 1: no oversell.
      expect(pool.held + pool.sold).toBeLessThanOrEqual(pool.capacity);
      expect(pool.available).toBeGreaterThanOrEqual(0);
    }
    // Section counts are kept incrementally; they must equal the seat map of the model.
    const section = state.sections[0];
    const heldSeats = [...this.model.seats.values()].filter((seat) => !seat.sold).length;
    const soldSeats = this.model.seats.size - heldSeats;
    expect({ held: section?.held, sold: section?.sold, available: section?.available }).toEqual({
      held: heldSeats,
      sold: soldSeats,
      available: SEAT_IDS.length - heldSeats - soldSeats,
    });
    const seats = (await this.gate.seatStates(EVENT_ID)) ?? [];
    for (const seat of seats) {
      const owner = this.model.seats.get(seat.id);
      expect(seat.status).toBe(owner === undefined ? 'available' : owner.sold ? 'sold' : 'held');
    }
    // Invariant 2: no double booking — a seat is in at most one live hold or ticket of the model.
    const occupied = [...this.model.holds.values()]
      .filter((hold) => hold.status === 'held' || hold.status === 'confirmed')
      .flatMap((hold) => hold.items.filter((item) => item.seatId).map((item) => item.seatId));
    expect(new Set(occupied).size).toBe(occupied.length);
    // Per-user limit counts live holds and tickets.
    for (const count of this.model.userItems.values()) expect(count).toBeLessThanOrEqual(MAX_PER_USER);
    expect({ held: state.held, sold: state.sold }).toEqual(this.model.totals());
    expect(foldLog(this.written)).toEqual(this.model.totals());
  }
}

/** The state the durable log describes, folded independently of the gate. */
function foldLog(entries: readonly LogEntry[]): { held: number; sold: number } {
  const status = new Map<string, { type: LogEntry['type']; count: number }>();
  for (const entry of entries) {
    const count = entry.hold.items.reduce((sum, item) => sum + item.quantity, 0);
    expect(status.get(entry.hold.id)?.type ?? 'none').toBe(
      entry.type === 'hold_placed' ? 'none' : 'hold_placed',
    );
    status.set(entry.hold.id, { type: entry.type, count });
  }
  let held = 0;
  let sold = 0;
  for (const { type, count } of status.values()) {
    if (type === 'hold_placed') held += count;
    if (type === 'hold_confirmed') sold += count;
  }
  return { held, sold };
}

/** Adjacent seats in one row when a row has room; no stranded single seat when avoidable. */
function checkBestAvailable(items: readonly ModelItem[], free: readonly string[], quantity: number): void {
  const picked = items.map((item) => item.seatId as string);
  expect(picked).toHaveLength(quantity);
  for (const seat of picked) expect(free).toContain(seat);
  const runs = ROWS.flatMap((row) => freeRuns(row.id, row.seats, free));
  const fitting = runs.filter((run) => run.length >= quantity);
  if (fitting.length === 0) return;
  const row = picked[0]?.split('-')[1];
  const numbers = picked.map((seat) => Number(seat.split('-')[2])).sort((a, b) => a - b);
  for (const seat of picked) expect(seat.split('-')[1]).toBe(row);
  expect((numbers.at(-1) as number) - (numbers[0] as number)).toBe(quantity - 1);
  if (fitting.some((run) => run.length === quantity || run.length - quantity >= 2)) {
    const run = runs.find(
      (r) =>
        r.row === row && r.start <= (numbers[0] as number) && r.start + r.length > (numbers.at(-1) as number),
    );
    if (run === undefined) throw new Error('picked seats are not in one free run');
    const left = (numbers[0] as number) - run.start;
    const right = run.start + run.length - 1 - (numbers.at(-1) as number);
    expect(left === 1 || right === 1).toBe(false);
  }
}

function freeRuns(rowId: string, seats: number, free: readonly string[]) {
  const runs: { row: string; start: number; length: number }[] = [];
  let start = 0;
  for (let n = 1; n <= seats + 1; n++) {
    const isFree = n <= seats && free.includes(`A-${rowId}-${n}`);
    if (isFree && start === 0) start = n;
    if (!isFree && start !== 0) {
      runs.push({ row: rowId, start, length: n - start });
      start = 0;
    }
  }
  return runs;
}

describe('memory gate against the reference model', () => {
  it('agrees with the model and keeps every invariant under random concurrent commands', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(group, { minLength: 1, maxLength: 25 }), async (groups) => {
        const harness = new Harness();
        await harness.gate.createEvent(SPEC);
        for (const { commands, fault } of groups) {
          await harness.runGroup(commands, fault);
          await harness.checkAgreement();
        }
        // Invariant 5: holds end. Past every expiry, one sweep ends every live hold.
        harness.nowMs += TTL_MS;
        await harness.runGroup([{ t: 'sweep' }], false);
        await harness.checkAgreement();
        expect((await harness.gate.eventState(EVENT_ID))?.held).toBe(0);
        expect([...harness.model.holds.values()].every((hold) => hold.status !== 'held')).toBe(true);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 1000) },
    );
  });
});
