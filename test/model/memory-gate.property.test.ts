// Model-based property test of the memory gate: random groups of commands run against the gate and the
// trivial model of gate-model.ts side by side. Each group is decided in one tick, so its entries share one
// group commit; some groups have that commit fail, and then every change of the group must be undone.
// After every group the gate, the model and the durable log must agree, and the invariants must hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/domain/log-entry.js';
import { MemoryGate } from '../../src/gate/memory/memory-gate.js';
import { GroupCommit } from '../../src/journal/group-commit.js';
import { checkAgreement, checkHoldsEnded } from './agreement.js';
import { commandGroup, groupsOfRun, LEAVE_ALL, type ModelCommand } from './arbitraries.js';
import { MAX_HOLD_MS, modelSpec } from './gate-model.js';
import { type Durability, ModelRun } from './model-run.js';

/** One group in five (roughly) has its commit fail. */
const faultGroup = fc.record({
  commands: commandGroup,
  fault: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
});

class MemoryHarness {
  readonly run = new ModelRun('model');
  readonly written: LogEntry[] = [];
  #failing = false;
  readonly #journal = new GroupCommit(async (entries) => {
    if (this.#failing) throw new Error('injected commit failure');
    this.written.push(...entries);
  });
  readonly gate = new MemoryGate(this.#journal);

  /** Runs one group: every decision in one tick (so one commit batch), then awaits all of them. */
  async runGroup(commands: readonly ModelCommand[], fault: boolean): Promise<void> {
    this.#failing = fault;
    const before = structuredClone(this.run.model);
    const durables: Promise<void>[] = [];
    const checks: Promise<void>[] = [];
    const keep = (durable: Durability) => {
      if (durable !== undefined) durables.push(durable);
    };
    for (const command of commands) this.#decide(command, keep, checks);
    // Checks first: confirm and release add their durable promise once their outcome is known.
    await Promise.all(checks);
    const settled = await Promise.allSettled(durables);
    for (const result of settled) expect(result.status).toBe(fault ? 'rejected' : 'fulfilled');
    if (fault) Object.assign(this.run.model, before);
    this.#failing = false;
  }

  /** Decides one command synchronously; only the check of a confirm or release waits for a microtask. */
  #decide(command: ModelCommand, keep: (durable: Durability) => void, checks: Promise<void>[]): void {
    const { run, gate } = this;
    switch (command.kind) {
      case 'advance':
        run.nowMs += command.ms;
        return;
      case 'sweep': {
        const expected = run.expectSweep();
        const swept = gate.sweep(run.nowMs);
        expect(swept.expired, 'holds expired by the sweep').toBe(expected.expired);
        expected.checkOffers(swept.offers);
        // A sweep that expired nothing wrote nothing, so it cannot fail.
        if (swept.expired > 0) keep(swept.durable);
        return;
      }
      case 'confirm':
      case 'release': {
        const ending = run.expectEnding(command);
        const confirm = command.kind === 'confirm';
        const pending = confirm
          ? gate.confirmHold(ending.holdId, run.nowMs)
          : gate.releaseHold(ending.holdId, run.nowMs);
        checks.push(pending.then((outcome) => keep(ending.check(outcome))));
        return;
      }
      case 'cancel': {
        const cancel = run.expectCancel(command);
        if (cancel === undefined) return;
        checks.push(gate.cancelOrder(cancel.command).then((outcome) => keep(cancel.check(outcome))));
        return;
      }
      case 'extend': {
        const extension = run.expectExtension(command);
        const pending = gate.extendHold(extension.holdId, command.seconds, run.nowMs);
        checks.push(pending.then((outcome) => keep(extension.check(outcome))));
        return;
      }
      case 'payLate': {
        const payment = run.expectLatePayment(command);
        if (payment === undefined) return;
        checks.push(payment.call(gate).then((outcome) => keep(payment.check(outcome))));
        return;
      }
      case 'join': {
        const join = run.expectJoin(command);
        keep(
          join.check(
            gate.join({
              eventId: run.eventId,
              request: join.request,
              entryId: `w.${Math.random()}`,
              nowMs: run.nowMs,
            }),
          ),
        );
        return;
      }
      case 'leave': {
        const check = run.expectLeave(command);
        checks.push(
          gate.leaveWaitlist(run.eventId, command.userId, run.nowMs).then((outcome) => keep(check(outcome))),
        );
        return;
      }
      case 'place':
      case 'retry': {
        const placement = run.placementOf(command);
        if (placement === undefined) return;
        run.checkKnownSoldOut(placement, gate.knowsSoldOut(run.eventId, placement.request), true);
        const check = run.expectPlacement(placement);
        keep(check(gate.place(run.gateCommand(placement))));
      }
    }
  }
}

describe('memory gate against the reference model', () => {
  it('agrees with the model and keeps every invariant under random concurrent commands', async () => {
    await fc.assert(
      fc.asyncProperty(groupsOfRun(faultGroup), async (groups) => {
        const harness = new MemoryHarness();
        const { gate, run } = harness;
        await gate.createEvent(modelSpec(run.eventId));
        for (const { commands, fault } of groups) {
          await harness.runGroup(commands, fault);
          await checkAgreement(gate, run, harness.written);
        }
        // Past the longest life of any hold, extended or not.
        await harness.runGroup(LEAVE_ALL, false);
        run.nowMs += MAX_HOLD_MS;
        await harness.runGroup([{ kind: 'sweep' }], false);
        await checkAgreement(gate, run, harness.written);
        await checkHoldsEnded(gate, run);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 1000) },
    );
  });
});
