// The waitlist survives a restart (embedded: the gate is rebuilt from the store, where waitlist_joined and
// waitlist_left are projected into waitlist_entries) and a forced rebuild of the gate from the store
// (distributed: the waitlist's Redis keys, deleted here as if Redis had lost them, come back from the store).
// Places keep their order, a leave stays a leave, and stock released after the restart is offered to the
// first in line; a buyer joining after it is placed behind them.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeys } from '../../src/gate/redis/keys.js';
import { distributedAvailable, startDistributed } from '../support/distributed.js';
import { admin, eventBody, freshDataDir, startEmbedded, uniqueEventId } from '../support/embedded.js';

interface Shape {
  app(): { inject(options: InjectOptions): Promise<LightMyRequestResponse> };
  restart(eventId: string): Promise<void>;
  dispose(): Promise<void>;
}

async function embeddedShape(): Promise<Shape> {
  const { dataDir, remove } = freshDataDir();
  let bo = await startEmbedded({ dataDir });
  return {
    app: () => bo.app,
    async restart() {
      await bo.close();
      bo = await startEmbedded({ dataDir });
    },
    async dispose() {
      await bo.close();
      remove();
    },
  };
}

async function distributedShape(): Promise<Shape> {
  const bo = await startDistributed();
  return {
    app: () => bo.app,
    async restart(eventId) {
      await bo.settle(eventId);
      // As if Redis had lost the waitlist with the rest: it comes back from the store.
      const keys = eventKeys(eventId);
      await bo.redis.del(keys.waitlist, keys.waitlistLines, keys.waitlistSeq);
      expect(await bo.gate.rebuild(eventId, true)).toBe('rebuilt');
    },
    dispose: () => bo.dispose(),
  };
}

const shapes: [string, boolean, () => Promise<Shape>][] = [
  ['embedded', true, embeddedShape],
  ['distributed', await distributedAvailable(), distributedShape],
];

describe.each(shapes)('waitlist across a restart (%s)', (_name, available, start) => {
  let bo: Shape;
  let eventId: string;
  const json = async (options: InjectOptions, status: number) => {
    const response = await bo.app().inject(options);
    expect(response.statusCode, response.body).toBe(status);
    return response.json();
  };
  const join = (userId: string) =>
    json(
      {
        method: 'POST',
        url: `/v1/events/${eventId}/waitlist`,
        payload: { userId, quantity: 1, poolId: 'ga' },
      },
      201,
    );
  const spot = (userId: string) =>
    bo.app().inject({ method: 'GET', url: `/v1/events/${eventId}/waitlist/me?userId=${userId}` });

  beforeAll(async () => {
    if (!available) return;
    bo = await start();
    eventId = uniqueEventId('waitlist-restart');
    await json(
      {
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 1, price: 100 }] }),
      },
      201,
    );
  });
  afterAll(async () => bo?.dispose());

  it.runIf(available)('keeps every place in line, in order, and offers to the first after it', async () => {
    const hold = await json(
      {
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        payload: { userId: 'alice', quantity: 1, poolId: 'ga' },
      },
      201,
    );
    const bob = await join('bob');
    await join('carol');
    const dave = await join('dave');
    await json({ method: 'DELETE', url: `/v1/events/${eventId}/waitlist?userId=carol` }, 200);
    await bo.restart(eventId);
    expect((await spot('bob')).json()).toEqual(bob);
    expect((await spot('dave')).json()).toEqual({ ...dave, position: 2 });
    expect((await spot('carol')).statusCode).toBe(404);
    await json({ method: 'DELETE', url: `/v1/holds/${hold.id}` }, 200);
    expect((await spot('bob')).statusCode).toBe(404);
    expect((await spot('dave')).json().position).toBe(1);
    expect((await join('erin')).position).toBe(2);
    const event = await json({ method: 'GET', url: `/v1/events/${eventId}` }, 200);
    expect(event.pools[0]).toMatchObject({ available: 0, held: 1 });
  });
});
