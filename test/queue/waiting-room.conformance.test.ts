// The behaviour contract of the waiting room port, run on memory, Redis and Redis Cluster: joining, the
// draw of the early joiners, first come first served after the start, admission bounded by the rate,
// maxActive and the stock, sold out and its end, abandonment, no buyer admitted twice, and every admission
// appended to the event's log once, in the step that decides it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueAdmitted } from '../../src/domain/log-entry.js';
import type {
  AdmissionStep,
  QueueSettings,
  Standing,
  Stock,
  WaitingRoom,
} from '../../src/queue/waiting-room.js';
import { type RoomFixture, roomKinds } from './room-fixtures.js';

const T0 = 1_900_000_000_000;
const MINUTE = 60_000;
const PLENTY: Stock = { available: 1_000, held: 0, salesOpen: true };
const ABANDON_MS = 60 * MINUTE;
let sequence = 0;

function settings(overrides: Partial<QueueSettings> = {}): QueueSettings {
  return {
    opensAtMs: T0,
    salesStartAtMs: T0 + MINUTE,
    admitPerMinute: 60,
    passMinutes: 10,
    maxActive: 100,
    paused: false,
    ...overrides,
  };
}

function standing(value: Standing | 'not_open' | undefined): Standing {
  if (value === undefined || value === 'not_open') throw new Error(`expected a standing, got ${value}`);
  return value;
}

for (const kind of roomKinds()) {
  describe(`waiting room conformance: ${kind.name}`, () => {
    let fixture: RoomFixture;
    let room: WaitingRoom;
    beforeAll(async () => {
      fixture = await kind.open();
      room = fixture.room;
    }, 60_000);
    afterAll(async () => fixture?.close());

    async function queued(overrides: Partial<QueueSettings> = {}): Promise<string> {
      sequence += 1;
      const eventId = `q-${sequence}-${Math.random().toString(36).slice(2, 8)}`;
      await room.configure(eventId, settings(overrides));
      return eventId;
    }

    it('keeps settings and lists queued events', async () => {
      const eventId = await queued({ maxActive: 7, paused: true });
      expect(await fixture.peer.settings(eventId)).toEqual(settings({ maxActive: 7, paused: true }));
      expect(await room.queuedEvents()).toContain(eventId);
      expect(await room.settings('no-such-event')).toBeUndefined();
      expect(await room.join('no-such-event', 'b', 0.5, T0)).toBeUndefined();
    });

    it('refuses joins before the queue opens and keeps a buyer’s place when it joins again', async () => {
      const eventId = await queued();
      expect(await room.join(eventId, 'early', 0.1, T0 - 1)).toBe('not_open');
      const first = standing(await room.join(eventId, 'b1', 0.3, T0 + 5));
      expect(first).toMatchObject({ state: 'waiting', position: undefined, waiting: 1, joinedAtMs: T0 + 5 });
      const again = standing(await fixture.peer.join(eventId, 'b1', 0.9, T0 + 9));
      expect(again.joinedAtMs).toBe(T0 + 5);
      expect(again.waiting).toBe(1);
    });

    it('orders early joiners by their draws at the start, then first come first served', async () => {
      const eventId = await queued();
      const draws: [string, number][] = [
        ['a', 0.7],
        ['b', 0.2],
        ['c', 0.9],
        ['d', 0.4],
      ];
      for (const [i, [buyer, draw]] of draws.entries()) await room.join(eventId, buyer, draw, T0 + i);
      const start = T0 + MINUTE;
      await room.join(eventId, 'late-1', 0.01, start + 1);
      await fixture.peer.join(eventId, 'late-2', 0.0, start + 2);
      const found = await room.standings(eventId, ['a', 'b', 'c', 'd', 'late-1', 'late-2', 'x'], start + 3);
      expect(found.map((s) => s?.position)).toEqual([3, 1, 4, 2, 5, 6, undefined]);
    });

    it('reorders nobody when the sales start moves later after it has passed', async () => {
      const eventId = await queued({ admitPerMinute: 6_000, paused: true });
      await room.join(eventId, 'early', 0.9, T0 + 1);
      const start = T0 + MINUTE;
      // The first operation from the start on is an admission step (paused: it admits nobody).
      expect((await room.admit(eventId, PLENTY, ABANDON_MS, start))?.admitted).toEqual([]);
      const later = start + 10 * MINUTE;
      await fixture.peer.configure(
        eventId,
        settings({ admitPerMinute: 6_000, paused: true, salesStartAtMs: later }),
      );
      // The order was drawn at the start: a newcomer queues behind, whatever its draw, and positions stay known.
      await room.join(eventId, 'newcomer', 0.0, start + 2);
      const found = await fixture.peer.standings(eventId, ['early', 'newcomer'], start + 3);
      expect(found.map((s) => s?.position)).toEqual([1, 2]);
      await room.configure(eventId, settings({ admitPerMinute: 6_000, salesStartAtMs: later }));
      const step = await room.admit(eventId, PLENTY, ABANDON_MS, later + 1_000);
      expect(step?.admitted.map((a) => a.buyerId)).toEqual(['early', 'newcomer']);
      // Here the first operation from the start on is a status call of a buyer not in the line.
      const quiet = await queued();
      await room.join(quiet, 'early', 0.9, T0 + 1);
      expect(await room.standings(quiet, ['stranger'], start)).toEqual([undefined]);
      await fixture.peer.configure(quiet, settings({ salesStartAtMs: later }));
      await room.join(quiet, 'newcomer', 0.0, start + 2);
      const quietFound = await room.standings(quiet, ['early', 'newcomer'], start + 3);
      expect(quietFound.map((s) => s?.position)).toEqual([1, 2]);
    });

    it('admits at the rate, in order, once each, and the pass lasts passMinutes', async () => {
      const eventId = await queued({ admitPerMinute: 60, passMinutes: 5 });
      for (let i = 0; i < 20; i++) await room.join(eventId, `b${i}`, i / 20, T0 + i);
      const start = T0 + MINUTE;
      const before = await room.admit(eventId, PLENTY, ABANDON_MS, start - 1);
      expect(before?.admitted).toEqual([]);
      // Three seconds at 60 a minute: three passes.
      const step = await fixture.peer.admit(eventId, PLENTY, ABANDON_MS, start + 3_000);
      expect(step?.admitted.map((a) => a.buyerId)).toEqual(['b0', 'b1', 'b2']);
      expect(step?.admitted[0]).toEqual({
        buyerId: 'b0',
        joinedAtMs: T0,
        passExpiresAtMs: start + 3_000 + 5 * MINUTE,
      });
      expect(step).toMatchObject({ waiting: 17, active: 3, admittedInWindow: 3, soldOut: false });
      // Credit saved up is capped at a few seconds of the rate: a long pause admits no burst.
      const later = await room.admit(eventId, PLENTY, ABANDON_MS, start + 3_000 + 10 * 60_000);
      expect(later?.admitted.map((a) => a.buyerId)).toEqual(['b3', 'b4', 'b5', 'b6', 'b7']);
      const seen = await room.standings(eventId, ['b0', 'b8'], start + 3_000 + 10 * 60_000);
      expect(seen[0]).toMatchObject({ state: 'admitted', passExpiresAtMs: start + 3_000 + 5 * MINUTE });
      expect(seen[1]).toMatchObject({ state: 'waiting', position: 1 });
      // Joining again once admitted answers admitted: nobody is admitted twice.
      const rejoin = standing(await room.join(eventId, 'b0', 0.5, start + 3_000 + 10 * 60_000));
      expect(rejoin.state).toBe('admitted');
    });

    it('admits a whole admission the moment the rate has earned it', async () => {
      const eventId = await queued({ admitPerMinute: 60 });
      for (let i = 0; i < 3; i++) await room.join(eventId, `b${i}`, i / 3, T0 + i);
      const start = T0 + MINUTE;
      // At 60 a minute, 0.7 s, 0.2 s and 0.1 s earn exactly one admission (the reference model of
      // test/model/queue-model.ts counts the credit exactly); in floating point 0.7 + 0.2 + 0.1 is just under 1.
      expect((await room.admit(eventId, PLENTY, ABANDON_MS, start + 700))?.admitted).toEqual([]);
      expect((await fixture.peer.admit(eventId, PLENTY, ABANDON_MS, start + 900))?.admitted).toEqual([]);
      const earned = await room.admit(eventId, PLENTY, ABANDON_MS, start + 1_000);
      expect(earned?.admitted.map((a) => a.buyerId)).toEqual(['b0']);
    });

    it('never holds more valid passes than maxActive or the stock allows', async () => {
      const eventId = await queued({ admitPerMinute: 6_000, maxActive: 4 });
      for (let i = 0; i < 30; i++) await room.join(eventId, `b${i}`, i / 30, T0 + i);
      const start = T0 + MINUTE;
      const first = await room.admit(eventId, PLENTY, ABANDON_MS, start + 5_000);
      expect(first?.admitted).toHaveLength(4);
      expect((await room.admit(eventId, PLENTY, ABANDON_MS, start + 6_000))?.admitted).toHaveLength(0);
      // Passes expire after passMinutes and free their slots.
      const freed = await room.admit(eventId, PLENTY, ABANDON_MS, start + 5_000 + 10 * MINUTE);
      expect(freed).toMatchObject({ active: 4 });
      expect(freed?.admitted).toHaveLength(4);
      // One ticket left: at most two passes per available ticket, counting the valid ones.
      const stockBound = await queued({ admitPerMinute: 6_000, maxActive: 100 });
      for (let i = 0; i < 10; i++) await room.join(stockBound, `s${i}`, i / 10, T0 + i);
      const few = await room.admit(
        stockBound,
        { available: 1, held: 3, salesOpen: true },
        ABANDON_MS,
        start + 5_000,
      );
      expect(few?.admitted).toHaveLength(2);
    });

    it('tells waiting buyers sold out when nothing is left nor held, and resumes when stock comes back', async () => {
      const eventId = await queued({ admitPerMinute: 6_000, maxActive: 1 });
      for (let i = 0; i < 3; i++) await room.join(eventId, `b${i}`, i / 3, T0 + i);
      const start = T0 + MINUTE;
      const heldOnly = await room.admit(
        eventId,
        { available: 0, held: 2, salesOpen: true },
        ABANDON_MS,
        start + 1_000,
      );
      expect(heldOnly).toMatchObject({ soldOut: false, admitted: [] });
      const gone = await room.admit(
        eventId,
        { available: 0, held: 0, salesOpen: true },
        ABANDON_MS,
        start + 2_000,
      );
      expect(gone).toMatchObject({ soldOut: true, admitted: [] });
      const told = await fixture.peer.standings(eventId, ['b0', 'b2'], start + 2_100);
      expect(told.map((s) => s?.state)).toEqual(['sold_out', 'sold_out']);
      const back = await room.admit(
        eventId,
        { available: 1, held: 0, salesOpen: true },
        ABANDON_MS,
        start + 3_000,
      );
      expect(back?.soldOut).toBe(false);
      expect(back?.admitted.map((a) => a.buyerId)).toEqual(['b0']);
      const closed = await room.admit(
        eventId,
        { available: 5, held: 0, salesOpen: false },
        ABANDON_MS,
        start + 4_000,
      );
      expect(closed?.admitted).toEqual([]);
      expect((await room.standings(eventId, ['b1'], start + 4_000))[0]?.state).toBe('closed');
    });

    it('admits nobody while paused, and drops buyers not heard from', async () => {
      const eventId = await queued({ admitPerMinute: 6_000, paused: true });
      for (let i = 0; i < 3; i++) await room.join(eventId, `b${i}`, i / 3, T0 + i);
      const start = T0 + MINUTE;
      expect((await room.admit(eventId, PLENTY, ABANDON_MS, start + 1_000))?.admitted).toEqual([]);
      // b1 is heard from (a status call); b0 and b2 are not.
      await room.standings(eventId, ['b1'], start + 5 * MINUTE);
      const step = await room.admit(eventId, PLENTY, 8 * MINUTE, start + 9 * MINUTE);
      expect(step).toMatchObject({ abandoned: 2, waiting: 1, admitted: [] });
      expect(
        (await room.standings(eventId, ['b0', 'b1'], start + 9 * MINUTE)).map((s) => s?.position),
      ).toEqual([undefined, 1]);
      await room.configure(eventId, settings({ admitPerMinute: 6_000, paused: false }));
      const resumed = await room.admit(eventId, PLENTY, 8 * MINUTE, start + 9 * MINUTE + 1_000);
      expect(resumed?.admitted.map((a) => a.buyerId)).toEqual(['b1']);
    });

    it('appends each admission to the event’s log once, and nothing else it does', async () => {
      const eventId = await queued({ admitPerMinute: 6_000, maxActive: 6 });
      const other = await queued({ admitPerMinute: 6_000 });
      const buyers = Array.from({ length: 12 }, (_, i) => `b${i}`);
      for (const [i, buyer] of buyers.entries()) await room.join(eventId, buyer, i / 12, T0 + i);
      await fixture.peer.join(other, 'elsewhere', 0.5, T0);
      const start = T0 + MINUTE;
      // Joins, status reads, a step before the start and a sold-out step admit nobody: nothing is logged.
      await room.standings(eventId, ['b0'], start - 10);
      await room.admit(eventId, PLENTY, ABANDON_MS, start - 1);
      await room.admit(eventId, { available: 0, held: 0, salesOpen: true }, ABANDON_MS, start);
      expect(await fixture.logged(eventId)).toEqual([]);
      // All but b11 are heard from; two instances step at once, twice. b11 is dropped, which is not logged.
      await room.standings(eventId, buyers.slice(0, 11), start + 10 * MINUTE);
      const steps: AdmissionStep[] = [];
      for (const at of [start + 11 * MINUTE, start + 11 * MINUTE + 5_000]) {
        const both = await Promise.all([
          room.admit(eventId, PLENTY, 5 * MINUTE, at),
          fixture.peer.admit(eventId, PLENTY, 5 * MINUTE, at),
        ]);
        for (const step of both) if (step !== undefined) steps.push(step);
      }
      // The first passes have expired (passMinutes 10): the last step admits the rest.
      const late = await room.admit(eventId, PLENTY, ABANDON_MS, start + 22 * MINUTE);
      if (late !== undefined) steps.push(late);
      expect(steps.reduce((dropped, step) => dropped + step.abandoned, 0)).toBe(1);
      const expected: QueueAdmitted[] = steps.flatMap((step) =>
        step.admitted.map((a) => ({
          type: 'queue_admitted' as const,
          eventId,
          atMs: step.nowMs,
          userId: a.buyerId,
          joinedAtMs: a.joinedAtMs,
          passExpiresAtMs: a.passExpiresAtMs,
        })),
      );
      expect(expected.map((entry) => entry.userId).sort()).toEqual(buyers.slice(0, 11).sort());
      // Once each, in the order decided, carrying no pass (a bearer secret); the other event's log is apart.
      expect(await fixture.logged(eventId)).toEqual(expected.sort((a, b) => a.atMs - b.atMs));
      expect(await fixture.logged(other)).toEqual([]);
    });
  });
}
