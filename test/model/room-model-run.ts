// The model-based property test of the waiting room port, shared by the memory, Redis and Redis Cluster
// variants: each run configures a fresh event's queue, sends the run's commands one by one to the room (or
// its peer, another instance on the same state) and to the model of queue-model.ts, and checks every answer
// against the model and the invariants: nobody admitted twice, admission never past maxActive nor past twice
// the tickets available, early joiners in one order that some permutation explains, then first come first
// served, positions without gaps or repeats, and sold out exactly when nothing is available nor held.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PassRefusal, QueuePasses } from '../../src/queue/passes.js';
import {
  PASSES_PER_AVAILABLE_TICKET,
  type Standing,
  type WaitingRoom,
} from '../../src/queue/waiting-room.js';
import type { RoomFixture, RoomKind } from '../queue/room-fixtures.js';
import { type RoomCommand, type RoomRunSpec, roomRun } from './queue-arbitraries.js';
import { BUYERS, type ExpectedStanding, OPENS_AT_MS, QueueModel } from './queue-model.js';

/** Runs `numRuns` random runs against the rooms `kind` opens (once for all runs). */
export function describeRoomModelTest(kind: RoomKind, numRuns: number, skip = false): void {
  describe.skipIf(skip)(`${kind.name} waiting room against the reference model`, () => {
    let fixture: RoomFixture;
    let runCount = 0;
    beforeAll(async () => {
      fixture = await kind.open();
    }, 60_000);
    afterAll(async () => fixture?.close());

    it('agrees with the model and keeps every invariant under random commands', async () => {
      const runId = Math.random().toString(36).slice(2, 8);
      await fc.assert(
        fc.asyncProperty(roomRun, async (spec) => {
          runCount += 1;
          await new RoomRun(fixture, `qmodel-${runId}-${runCount}`, spec).play();
        }),
        { numRuns },
      );
    });
  });
}

class RoomRun {
  readonly #fixture: RoomFixture;
  readonly #eventId: string;
  readonly #spec: RoomRunSpec;
  readonly #model: QueueModel;
  readonly #passes = new QueuePasses('model-test-pass-key-0123456789abcdef');
  /** The pass each admitted buyer was given, as the service issues it from the room's expiry. */
  readonly #passOf = new Map<string, string>();
  #nowMs: number;

  constructor(fixture: RoomFixture, eventId: string, spec: RoomRunSpec) {
    this.#fixture = fixture;
    this.#eventId = eventId;
    this.#spec = spec;
    this.#nowMs = spec.beforeOpening ? OPENS_AT_MS - 500 : OPENS_AT_MS;
    this.#model = new QueueModel(
      {
        opensAtMs: OPENS_AT_MS,
        salesStartAtMs: OPENS_AT_MS + spec.startAfterMs,
        admitPerMinute: spec.admitPerMinute,
        passMinutes: spec.passMinutes,
        maxActive: spec.maxActive,
        paused: spec.paused,
      },
      spec.capacity,
    );
  }

  async play(): Promise<void> {
    await this.#fixture.room.configure(this.#eventId, this.#model.settings);
    for (const command of this.#spec.commands) await this.#run(command);
    // Everyone at the end: whoever waits stands in one line, positions 1, 2, … without gaps or repeats.
    await this.#status([...BUYERS], false);
  }

  #room(peer: boolean): WaitingRoom {
    return peer ? this.#fixture.peer : this.#fixture.room;
  }

  async #run(command: RoomCommand): Promise<void> {
    const model = this.#model;
    const { stock } = model;
    switch (command.kind) {
      case 'advance':
        this.#nowMs += command.ms;
        return;
      case 'join': {
        const expected = model.join(command.buyerId, this.#nowMs);
        const answer = await this.#room(command.peer).join(
          this.#eventId,
          command.buyerId,
          command.draw,
          this.#nowMs,
        );
        if (expected === 'not_open') expect(answer, `join of ${command.buyerId}`).toBe('not_open');
        else this.#checkStanding(command.buyerId, answer === 'not_open' ? undefined : answer, expected);
        return;
      }
      case 'status':
        await this.#status(command.buyerIds, command.peer);
        return;
      case 'admit':
        await this.#admit(command.peer);
        return;
      case 'hold': {
        const refusal = this.#passes.check(
          this.#eventId,
          command.buyerId,
          this.#passOf.get(command.passOf),
          this.#nowMs,
        );
        expect(refusal, `pass check of ${command.buyerId} with the pass of ${command.passOf}`).toBe(
          this.#expectedRefusal(command.buyerId, command.passOf),
        );
        if (refusal === undefined && stock.available > 0) {
          stock.available -= 1;
          stock.held += 1;
        }
        return;
      }
      case 'release':
        if (stock.held > 0) {
          stock.held -= 1;
          stock.available += 1;
        }
        return;
      case 'sell':
        if (stock.held > 0) {
          stock.held -= 1;
          stock.sold += 1;
        }
        return;
      case 'cancel':
        if (stock.sold > 0) {
          stock.sold -= 1;
          stock.available += 1;
        }
        return;
      case 'pause':
        model.settings = { ...model.settings, paused: command.paused };
        await this.#fixture.room.configure(this.#eventId, model.settings);
        return;
      case 'reconfigure':
        model.settings = {
          ...model.settings,
          admitPerMinute: command.admitPerMinute,
          maxActive: command.maxActive,
        };
        await this.#fixture.peer.configure(this.#eventId, model.settings);
        return;
      case 'moveStart':
        // Never before the opening: the settings refuse that (queue-settings.ts).
        model.settings = {
          ...model.settings,
          salesStartAtMs: Math.max(OPENS_AT_MS, this.#nowMs + command.inMs),
        };
        await this.#fixture.peer.configure(this.#eventId, model.settings);
        return;
      case 'sales':
        stock.salesOpen = command.open;
    }
  }

  async #status(buyerIds: readonly string[], peer: boolean): Promise<void> {
    const expected = this.#model.standings(buyerIds, this.#nowMs);
    const answers = await this.#room(peer).standings(this.#eventId, buyerIds, this.#nowMs);
    expect(answers, 'one standing per buyer asked').toHaveLength(buyerIds.length);
    buyerIds.forEach((buyerId, i) => {
      this.#checkStanding(buyerId, answers[i], expected[i]);
    });
    const positions = answers.flatMap((standing) =>
      standing?.state !== 'admitted' && standing?.position !== undefined ? [standing.position] : [],
    );
    expect(new Set(positions).size, `positions ${positions} repeat`).toBe(positions.length);
    // Asked of everyone after the start: the waiting buyers hold exactly the places 1 … waiting.
    if (buyerIds.length === BUYERS.length && this.#model.orders !== undefined)
      expect(positions.sort((a, b) => a - b)).toEqual(
        Array.from({ length: this.#model.waiting }, (_, i) => i + 1),
      );
  }

  async #admit(peer: boolean): Promise<void> {
    const model = this.#model;
    const stock = model.stockNow();
    const { abandonAfterMs } = this.#spec;
    const expected = model.admitStep(abandonAfterMs, this.#nowMs);
    const step = await this.#room(peer).admit(this.#eventId, stock, abandonAfterMs, this.#nowMs);
    if (step === undefined) throw new Error('the queue vanished');
    const admittedIds = step.admitted.map((admitted) => admitted.buyerId);
    const asked = `admission step at +${this.#nowMs - OPENS_AT_MS} ms with ${JSON.stringify(stock)}`;
    expect(admittedIds.length, `${asked}: how many admitted`).toBe(expected.count);
    // Nobody admitted twice, in one step or over the run.
    expect(new Set(admittedIds).size, asked).toBe(admittedIds.length);
    for (const buyerId of admittedIds)
      expect(model.admittedEver.has(buyerId), `${asked}: ${buyerId} admitted again`).toBe(false);
    // The early joiners first, in an order some permutation of them explains; then first come first served.
    expect(model.admit(admittedIds, this.#nowMs), asked).toBeUndefined();
    const passExpiresAtMs = this.#nowMs + model.settings.passMinutes * 60_000;
    for (const admitted of step.admitted) {
      expect(admitted, asked).toEqual({
        buyerId: admitted.buyerId,
        joinedAtMs: model.members.get(admitted.buyerId)?.joinedAtMs,
        passExpiresAtMs,
      });
      this.#passOf.set(
        admitted.buyerId,
        this.#passes.issue(this.#eventId, admitted.buyerId, admitted.passExpiresAtMs),
      );
    }
    expect(
      {
        abandoned: step.abandoned,
        waiting: step.waiting,
        active: step.active,
        soldOut: step.soldOut,
        admittedInWindow: step.admittedInWindow,
        nowMs: step.nowMs,
      },
      asked,
    ).toEqual({
      abandoned: expected.abandoned,
      waiting: model.waiting,
      active: expected.activeBefore + admittedIds.length,
      soldOut: stock.available === 0 && stock.held === 0,
      admittedInWindow: model.admittedInWindow(this.#nowMs),
      nowMs: this.#nowMs,
    });
    // The bounds, stated apart from the model: a step that admits stays within maxActive and the stock.
    if (admittedIds.length > 0) {
      expect(step.active, `${asked}: valid passes`).toBeLessThanOrEqual(model.settings.maxActive);
      expect(step.active, `${asked}: valid passes`).toBeLessThanOrEqual(
        PASSES_PER_AVAILABLE_TICKET * stock.available,
      );
      expect(stock.salesOpen && !model.settings.paused, asked).toBe(true);
    }
  }

  #checkStanding(
    buyerId: string,
    answer: Standing | undefined,
    expected: ExpectedStanding | undefined,
  ): void {
    const asked = `standing of ${buyerId} at +${this.#nowMs - OPENS_AT_MS} ms`;
    if (expected === undefined) {
      expect(answer, asked).toBeUndefined();
      return;
    }
    if (answer === undefined)
      throw new Error(`${asked}: none, expected ${JSON.stringify(expected.standing)}`);
    let position = expected.standing.position;
    if (expected.earlyPosition) {
      // An early joiner's place is the draw's: anywhere among the early joiners still waiting, as long as
      // one order of them explains it together with everything seen before.
      position = answer.position;
      expect(position, `${asked}: an early joiner's position`).toBeGreaterThanOrEqual(1);
      expect(position, `${asked}: an early joiner's position`).toBeLessThanOrEqual(this.#model.early.size);
      expect(
        this.#model.placeEarly(buyerId, position as number),
        `${asked}: no order explains ${position}`,
      ).toBe(true);
    }
    expect(answer, asked).toEqual({ ...expected.standing, position });
  }

  /** What the pass check must answer to `buyerId` sending the pass `passOf` was given. */
  #expectedRefusal(buyerId: string, passOf: string): PassRefusal | undefined {
    const owner = this.#model.members.get(passOf);
    if (!this.#passOf.has(passOf)) return 'queue_pass_required';
    if (passOf !== buyerId) return 'queue_pass_invalid';
    return (owner?.passExpiresAtMs as number) <= this.#nowMs ? 'queue_pass_expired' : undefined;
  }
}
