// Two API instances over one Redis, as behind a load balancer: buyers join on either at once while both
// run admission steps at once. Nobody is admitted twice, and maxActive is never exceeded: not after any
// step of either instance, and not in the buyers' own statuses at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  distributedAvailable,
  eventBody,
  startDistributed,
  type TestDistributed,
  uniqueEventId,
} from '../support/distributed.js';

const MAX_ACTIVE = 7;
const BUYERS = 120;
const STEPS_PER_INSTANCE = 40;

describe.skipIf(!(await distributedAvailable()))('waiting room on two instances', () => {
  let first: TestDistributed;
  let second: TestDistributed;
  beforeAll(async () => {
    first = await startDistributed({ queue: { manualSteps: true } });
    second = await startDistributed({
      queue: { manualSteps: true },
      redis: { url: first.redisServer?.url },
      databaseUrl: first.database.url,
    });
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await first?.dispose();
  });

  it('admits nobody twice and never more than maxActive under concurrent joins and steps', async () => {
    const eventId = uniqueEventId('rush');
    const now = Date.now();
    const created = await first.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: {
        ...eventBody(eventId, { pools: [{ id: 'ga', capacity: 1_000, price: 100 }] }),
        queue: {
          opensAt: new Date(now - 60_000).toISOString(),
          salesStartAt: new Date(now - 1_000).toISOString(),
          admitPerMinute: 60_000,
          passMinutes: 30,
          maxActive: MAX_ACTIVE,
        },
      },
    });
    expect(created.statusCode).toBe(201);
    const instances = [first, second];
    const joins = Array.from({ length: BUYERS }, (_, i) =>
      (instances[i % 2] as TestDistributed).app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/queue`,
        payload: { userId: `buyer-${i}` },
      }),
    );
    const admitted: string[] = [];
    const activeSeen: number[] = [];
    const stepping = instances.map(async (instance) => {
      for (let i = 0; i < STEPS_PER_INSTANCE; i++) {
        // The instance's own step, as its timer runs it.
        const step = (await instance.queue.step()).get(eventId);
        if (step !== undefined) {
          admitted.push(...step.admitted.map((a) => a.buyerId));
          activeSeen.push(step.active);
        }
      }
    });
    const answers = await Promise.all(joins);
    await Promise.all(stepping);
    for (const answer of answers) expect(answer.statusCode).toBe(201);
    expect(new Set(admitted).size).toBe(admitted.length);
    expect(Math.max(...activeSeen)).toBeLessThanOrEqual(MAX_ACTIVE);
    const views = await first.queue.statuses(
      eventId,
      Array.from({ length: BUYERS }, (_, i) => `buyer-${i}`),
    );
    const holding = views.filter((view) => view?.state === 'admitted');
    expect(holding).toHaveLength(MAX_ACTIVE);
    expect(admitted.length).toBe(MAX_ACTIVE);
    // Everyone else waits, in one line without gaps or duplicates.
    const positions = views.flatMap((view) => (view?.state === 'waiting' ? [view.position] : []));
    expect(positions.sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: BUYERS - MAX_ACTIVE }, (_, i) => i + 1),
    );
  }, 60_000);
});
