// The waiting room over HTTP on both shapes (verified buyers, a manual clock, admission steps run by the
// test): joining and status, who may set, pause and resume a queue, passes that place holds and the stable
// 403 codes of the ones that do not, and a pass checked with no call to the waiting room or the store.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryWaitingRoom } from '../../src/queue/memory/memory-waiting-room.js';
import type { QueueService } from '../../src/queue/queue-service.js';
import { RedisWaitingRoom } from '../../src/queue/redis/redis-waiting-room.js';
import type { Store } from '../../src/store/store.js';
import { bearer, buyerToken, VERIFIED } from '../support/buyer-tokens.js';
import { distributedAvailable, startDistributed } from '../support/distributed.js';
import {
  admin,
  eventBody,
  freshDataDir,
  manualClock,
  startEmbedded,
  uniqueEventId,
} from '../support/embedded.js';

const MINUTE = 60_000;

interface Shape {
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  queue(): QueueService;
  store(): Store;
  readonly clock: ReturnType<typeof manualClock>;
  /** Embedded: a new process on the same data dir; distributed: another instance on the same Redis. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

async function embeddedShape(): Promise<Shape> {
  const clock = manualClock(Date.parse('2030-01-01T10:00:00Z'));
  const { dataDir, remove } = freshDataDir();
  const start = () =>
    startEmbedded({
      access: VERIFIED,
      dataDir,
      clock: clock.now,
      queue: { manualSteps: true, abandonAfterSeconds: 3_600 },
    });
  let bo = await start();
  return {
    inject: (options) => bo.app.inject(options),
    queue: () => bo.queue,
    store: () => bo.store,
    clock,
    async restart() {
      await bo.close();
      bo = await start();
    },
    async dispose() {
      await bo.close();
      remove();
    },
  };
}

async function distributedShape(): Promise<Shape> {
  const clock = manualClock(Date.parse('2030-01-01T10:00:00Z'));
  const first = await startDistributed({
    access: VERIFIED,
    clock: clock.now,
    queue: { manualSteps: true, abandonAfterSeconds: 3_600 },
  });
  let current = first;
  let second: Awaited<ReturnType<typeof startDistributed>> | undefined;
  return {
    inject: (options) => current.app.inject(options),
    queue: () => current.queue,
    store: () => current.store,
    clock,
    async restart() {
      second = await startDistributed({
        access: VERIFIED,
        clock: clock.now,
        queue: { manualSteps: true, abandonAfterSeconds: 3_600 },
        redis: { url: first.redisServer?.url },
        databaseUrl: first.database.url,
      });
      current = second;
    },
    async dispose() {
      await second?.close();
      await first.dispose();
    },
  };
}

const shapes: [string, () => Promise<Shape>][] = [['embedded', embeddedShape]];
if (await distributedAvailable()) shapes.push(['distributed', distributedShape]);

for (const [name, open] of shapes) {
  describe(`waiting room over HTTP: ${name}`, () => {
    let shape: Shape;
    beforeAll(async () => {
      shape = await open();
    }, 60_000);
    afterAll(async () => shape?.dispose());

    const iso = (ms: number) => new Date(ms).toISOString();

    async function queuedEvent(queue: Record<string, unknown> = {}, capacity = 10): Promise<string> {
      const id = uniqueEventId('queue');
      const now = shape.clock.now();
      const response = await shape.inject({
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: {
          ...eventBody(id, { pools: [{ id: 'ga', capacity, price: 100 }], maxPerUser: 4 }),
          queue: {
            opensAt: iso(now),
            salesStartAt: iso(now + MINUTE),
            admitPerMinute: 60,
            passMinutes: 10,
            maxActive: 2,
            ...queue,
          },
        },
      });
      expect(response.statusCode).toBe(201);
      return id;
    }

    async function join(eventId: string, buyer: string) {
      return shape.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/queue`,
        headers: bearer(await buyerToken(buyer)),
      });
    }

    async function me(eventId: string, buyer: string) {
      return shape.inject({
        method: 'GET',
        url: `/v1/events/${eventId}/queue/me`,
        headers: bearer(await buyerToken(buyer)),
      });
    }

    async function hold(eventId: string, buyer: string, pass?: string) {
      return shape.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        headers: {
          ...bearer(await buyerToken(buyer)),
          ...(pass === undefined ? {} : { 'queue-pass': pass }),
        },
        payload: { userId: buyer, quantity: 1, poolId: 'ga' },
      });
    }

    it('joins buyers, keeps their places, admits them and lets their passes place holds', async () => {
      const eventId = await queuedEvent();
      const first = await join(eventId, 'ann');
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ state: 'waiting', position: null, ahead: null });
      expect(first.json().estimatedWaitSeconds).toBeGreaterThanOrEqual(60);
      expect((await join(eventId, 'ann')).json().queueToken).toBe(first.json().queueToken);
      await join(eventId, 'bob');
      await join(eventId, 'cat');
      expect((await hold(eventId, 'ann')).json().error.code).toBe('queue_pass_required');
      shape.clock.advance(MINUTE + 5_000);
      await shape.queue().step();
      const views = await Promise.all(
        ['ann', 'bob', 'cat'].map(async (buyer) => (await me(eventId, buyer)).json()),
      );
      // maxActive 2: two admitted, in the drawn order; the third is first in line.
      expect(views.filter((view) => view.state === 'admitted')).toHaveLength(2);
      const waiting = views.find((view) => view.state === 'waiting');
      expect(waiting).toMatchObject({ position: 1, ahead: 0 });
      const admittedBuyers = ['ann', 'bob', 'cat'].filter((_, i) => views[i].state === 'admitted');
      const [a, b] = admittedBuyers as [string, string];
      const passOf = (buyer: string) => views[['ann', 'bob', 'cat'].indexOf(buyer)].pass as string;
      const placed = await hold(eventId, a, passOf(a));
      expect(placed.statusCode).toBe(201);
      // Another buyer's pass, a forged one, one of another event: queue_pass_invalid.
      expect((await hold(eventId, b, passOf(a))).json().error.code).toBe('queue_pass_invalid');
      const [expiry, mac] = passOf(a).split('.') as [string, string];
      expect((await hold(eventId, a, `${Number(expiry) + 60_000}.${mac}`)).json().error.code).toBe(
        'queue_pass_invalid',
      );
      expect((await hold(eventId, a, 'not-a-pass')).json().error.code).toBe('queue_pass_invalid');
      const other = await queuedEvent();
      expect((await hold(other, a, passOf(a))).json().error.code).toBe('queue_pass_invalid');
      // After passMinutes: expired.
      shape.clock.advance(11 * MINUTE);
      const expired = await hold(eventId, b, passOf(b));
      expect(expired.statusCode).toBe(403);
      expect(expired.json().error.code).toBe('queue_pass_expired');
    });

    it('checks a pass with no call to the waiting room or the store', async () => {
      const eventId = await queuedEvent();
      await join(eventId, 'dan');
      shape.clock.advance(MINUTE + 5_000);
      await shape.queue().step();
      const pass = (await me(eventId, 'dan')).json().pass as string;
      const queue = shape.queue();
      const checked = vi.spyOn(queue, 'checkPass');
      const roomCalls = [MemoryWaitingRoom.prototype, RedisWaitingRoom.prototype].flatMap((room) =>
        (['join', 'standings', 'settings', 'admit', 'queuedEvents', 'configure'] as const).map((method) =>
          vi.spyOn(room, method),
        ),
      );
      const reads = [
        ...roomCalls,
        vi.spyOn(queue, 'settings'),
        vi.spyOn(queue, 'status'),
        vi.spyOn(queue, 'statuses'),
        vi.spyOn(shape.store(), 'eventQueues'),
        vi.spyOn(shape.store(), 'getHold'),
      ];
      const token = await buyerToken('dan');
      const response = await shape.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        headers: { ...bearer(token), 'queue-pass': pass },
        payload: { userId: 'dan', quantity: 1, poolId: 'ga' },
      });
      expect(response.statusCode).toBe(201);
      expect(checked).toHaveBeenCalledTimes(1);
      for (const read of reads) expect(read).not.toHaveBeenCalled();
      vi.restoreAllMocks();
    });

    it('refuses joins before opensAt and answers buyers who never joined', async () => {
      const eventId = await queuedEvent({
        opensAt: iso(shape.clock.now() + MINUTE),
        salesStartAt: iso(shape.clock.now() + 2 * MINUTE),
      });
      const early = await join(eventId, 'eve');
      expect(early.statusCode).toBe(409);
      expect(early.json().error.code).toBe('queue_not_open');
      expect((await me(eventId, 'eve')).json().error.code).toBe('not_in_queue');
      const mismatch = await shape.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/queue`,
        headers: bearer(await buyerToken('eve')),
        payload: { userId: 'someone-else' },
      });
      expect(mismatch.json().error.code).toBe('buyer_mismatch');
      expect((await shape.inject({ method: 'POST', url: `/v1/events/${eventId}/queue` })).statusCode).toBe(
        401,
      );
    });

    it('lets admins alone set, pause and resume a queue; bad settings change nothing', async () => {
      const plain = uniqueEventId('plain');
      await shape.inject({
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(plain, { pools: [{ id: 'ga', capacity: 5, price: 100 }] }),
      });
      // Without a queue an event sells as before.
      expect((await hold(plain, 'fay')).statusCode).toBe(201);
      expect((await join(plain, 'fay')).json().error.code).toBe('queue_not_found');
      const pause = await shape.inject({
        method: 'POST',
        url: `/v1/events/${plain}/queue/pause`,
        headers: admin,
      });
      expect(pause.json().error.code).toBe('queue_not_found');
      const partial = await shape.inject({
        method: 'PATCH',
        url: `/v1/events/${plain}/queue`,
        headers: admin,
        payload: { maxActive: 3 },
      });
      expect(partial.statusCode).toBe(400);
      const buyer = await shape.inject({
        method: 'PATCH',
        url: `/v1/events/${plain}/queue`,
        headers: bearer(await buyerToken('fay')),
        payload: { maxActive: 3 },
      });
      expect(buyer.statusCode).toBe(403);
      const now = shape.clock.now();
      const set = await shape.inject({
        method: 'PATCH',
        url: `/v1/events/${plain}/queue`,
        headers: admin,
        payload: {
          opensAt: iso(now),
          salesStartAt: iso(now),
          admitPerMinute: 600,
          passMinutes: 5,
          maxActive: 3,
        },
      });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toMatchObject({ eventId: plain, maxActive: 3, paused: false });
      expect((await hold(plain, 'fay')).json().error.code).toBe('queue_pass_required');
      const backwards = await shape.inject({
        method: 'PATCH',
        url: `/v1/events/${plain}/queue`,
        headers: admin,
        payload: { salesStartAt: iso(now - MINUTE) },
      });
      expect(backwards.json().error.code).toBe('invalid_request');
      const paused = await shape.inject({
        method: 'POST',
        url: `/v1/events/${plain}/queue/pause`,
        headers: admin,
      });
      expect(paused.json()).toMatchObject({ paused: true, maxActive: 3, salesStartAt: iso(now) });
      await join(plain, 'gus');
      shape.clock.advance(5_000);
      await shape.queue().step();
      expect((await me(plain, 'gus')).json()).toMatchObject({ state: 'waiting', position: 1 });
      await shape.inject({ method: 'POST', url: `/v1/events/${plain}/queue/resume`, headers: admin });
      shape.clock.advance(1_000);
      await shape.queue().step();
      expect((await me(plain, 'gus')).json().state).toBe('admitted');
      // A bad queue at creation creates nothing.
      const refused = uniqueEventId('refused');
      const bad = await shape.inject({
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: {
          ...eventBody(refused, { pools: [{ id: 'ga', capacity: 5, price: 100 }] }),
          queue: {
            opensAt: iso(now),
            salesStartAt: iso(now - 1),
            admitPerMinute: 1,
            passMinutes: 1,
            maxActive: 1,
          },
        },
      });
      expect(bad.statusCode).toBe(400);
      expect((await shape.inject({ method: 'GET', url: `/v1/events/${refused}` })).statusCode).toBe(404);
    });

    it('keeps the queue settings and the pass key across a restart (embedded) or on another instance', async () => {
      const eventId = await queuedEvent();
      await join(eventId, 'hal');
      shape.clock.advance(MINUTE + 5_000);
      await shape.queue().step();
      const pass = (await me(eventId, 'hal')).json().pass as string;
      await shape.restart();
      expect((await hold(eventId, 'ivy')).json().error.code).toBe('queue_pass_required');
      expect((await hold(eventId, 'hal', pass)).statusCode).toBe(201);
    });
  });
}
