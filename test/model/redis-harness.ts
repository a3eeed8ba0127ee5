// The model-based property test of the Redis gate, shared by the single-server and the cluster variants.
// One private Redis per file and one RedisGate on the command's clock; every run sells a fresh event.
// Commands are awaited one by one: Redis runs each script alone anyway, and concurrency is tested elsewhere.
// There are no fault groups: a script either runs entirely or not at all.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gate } from '../../src/gate/gate.js';
import { EVENTS_KEY } from '../../src/gate/redis/keys.js';
import { RedisGate } from '../../src/gate/redis/redis-gate.js';
import type { RedisClient } from '../../src/gate/redis/scripts.js';
import { readLog } from '../gate/gate-fixtures.js';
import { redisAvailable } from '../support/redis-server.js';
import { checkAgreement, checkHoldsEnded } from './agreement.js';
import { commandGroup, groupsOfRun, LEAVE_ALL, type ModelCommand } from './arbitraries.js';
import { MAX_HOLD_MS, modelSpec } from './gate-model.js';
import { ModelRun } from './model-run.js';

export interface RedisUnderTest {
  readonly client: RedisClient;
  stop(): Promise<void>;
}

/** Runs `numRuns` random runs against a RedisGate on the Redis that `open` starts (skipped without redis-server). */
export function describeRedisModelTest(
  name: string,
  open: () => Promise<RedisUnderTest>,
  numRuns: number,
): void {
  describe.skipIf(!redisAvailable())(`${name} against the reference model`, () => {
    let redis: RedisUnderTest;
    let gate: Gate;
    let runCount = 0;
    beforeAll(async () => {
      redis = await open();
      gate = new RedisGate({ redis: redis.client, useCommandTime: true });
    });
    afterAll(async () => {
      redis?.client.disconnect();
      await redis?.stop();
    });

    it('agrees with the model and keeps every invariant under random commands', async () => {
      await fc.assert(
        fc.asyncProperty(groupsOfRun(commandGroup), async (groups) => {
          runCount += 1;
          const run = new ModelRun(`model-${runCount}`);
          // A sweep walks every registered event: retiring the events of earlier runs keeps it to this one,
          // including the live holds of a run that a failure (or shrinking) stopped halfway.
          await redis.client.del(EVENTS_KEY);
          expect(await gate.createEvent(modelSpec(run.eventId))).toBe(true);
          for (const commands of groups) {
            await runInOrder(gate, run, commands);
            await checkAgreement(gate, run, await readLog(redis.client, run.eventId));
          }
          // Past the longest life of any hold, extended or not.
          await runInOrder(gate, run, LEAVE_ALL);
          run.nowMs += MAX_HOLD_MS;
          await runInOrder(gate, run, [{ kind: 'sweep' }]);
          await checkAgreement(gate, run, await readLog(redis.client, run.eventId));
          await checkHoldsEnded(gate, run);
        }),
        { numRuns },
      );
    });
  });
}

/** Sends each command and checks its answer before sending the next. */
async function runInOrder(gate: Gate, run: ModelRun, commands: readonly ModelCommand[]): Promise<void> {
  for (const command of commands) {
    switch (command.kind) {
      case 'advance':
        run.nowMs += command.ms;
        break;
      case 'sweep': {
        const expected = run.expectSweep();
        const swept = await gate.sweepExpired(run.nowMs);
        expect(swept.expired, 'holds expired by the sweep').toBe(expected.expired);
        expected.checkOffers(swept.offers);
        break;
      }
      case 'confirm':
      case 'release': {
        const { holdId, check } = run.expectEnding(command);
        const confirm = command.kind === 'confirm';
        await check(
          confirm ? await gate.confirmHold(holdId, run.nowMs) : await gate.releaseHold(holdId, run.nowMs),
        );
        break;
      }
      case 'cancel': {
        const cancel = run.expectCancel(command);
        if (cancel !== undefined) await cancel.check(await gate.cancelOrder(cancel.command));
        break;
      }
      case 'extend': {
        const { holdId, check } = run.expectExtension(command);
        await check(await gate.extendHold(holdId, command.seconds, run.nowMs));
        break;
      }
      case 'payLate': {
        const payment = run.expectLatePayment(command);
        if (payment !== undefined) await payment.check(await payment.call(gate));
        break;
      }
      case 'join': {
        const join = run.expectJoin(command);
        const entryId = `w.${run.eventId}.${Math.random().toString(36).slice(2)}`;
        await join.check(
          await gate.joinWaitlist({ eventId: run.eventId, request: join.request, entryId, nowMs: run.nowMs }),
        );
        break;
      }
      case 'leave': {
        const check = run.expectLeave(command);
        await check(await gate.leaveWaitlist(run.eventId, command.userId, run.nowMs));
        break;
      }
      case 'place':
      case 'retry': {
        const placement = run.placementOf(command);
        if (placement === undefined) break;
        // Without the sold-out cache (it hears restocks late, by design) the Redis gate never knows early.
        run.checkKnownSoldOut(placement, gate.knowsSoldOut(run.eventId, placement.request), false);
        const check = run.expectPlacement(placement);
        await check(await gate.placeHold(run.gateCommand(placement)));
      }
    }
  }
}
