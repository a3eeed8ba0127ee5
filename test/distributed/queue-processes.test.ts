// The waiting room over two `boxoffice serve` processes of the distributed shape, one private Redis and one
// throwaway PostgreSQL database, as behind a load balancer: buyers join and ask their status on both
// processes at once over HTTP, around the sales start, while each process runs its own admission steps
// (every 250 ms). Every answer is kept: no buyer is ever handed two different passes, never more than
// maxActive buyers hold a valid pass, every pass handed out places a hold on the other process, and the
// buyers still waiting stand in one line without gaps. (test/distributed/queue-concurrency.test.ts is the
// same race with two instances in one process, stepping by hand.)
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { queueKeys } from '../../src/queue/redis/queue-keys.js';
import { eventBody, uniqueEventId } from '../support/embedded.js';
import type { HttpResult } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { admin, type DeployedSale, useDeployment } from '../support/processes.js';
import { redisAvailable } from '../support/redis-server.js';

const available = redisAvailable() && (await postgresAvailable());
const MAX_ACTIVE = 7;
const BUYERS = 120;
/** The sales start this long after the event is made: the first joins are early, the rest late. */
const START_AFTER_MS = 1_500;
/** Status rounds (every buyer, alternating processes) until the passes are all out, at most. */
const ROUNDS_MAX = 200;
/** Once maxActive passes are out: this long (several steps of each process) before the last round. */
const SETTLE_MS = 1_500;

describe.runIf(available)('waiting room over two API processes', () => {
  let sale: DeployedSale;
  useDeployment({ apis: 2, workers: [] }, (deployed) => {
    sale = deployed;
  });

  it('hands nobody two passes and never more than maxActive under concurrent joins and statuses', async () => {
    const clients = sale.deployment.clients;
    /** Request `i` goes to process `i % 2`. */
    const send = (i: number, ...args: Parameters<(typeof clients)[0]['send']>) =>
      (clients[i % 2] as (typeof clients)[0]).send(...args);
    const eventId = uniqueEventId('qproc');
    const now = Date.now();
    const created = await send(
      0,
      'POST',
      '/v1/events',
      {
        ...eventBody(eventId, { pools: [{ id: 'ga', capacity: 1_000, price: 100 }] }),
        queue: {
          opensAt: new Date(now - 60_000).toISOString(),
          salesStartAt: new Date(now + START_AFTER_MS).toISOString(),
          admitPerMinute: 60_000,
          passMinutes: 30,
          maxActive: MAX_ACTIVE,
        },
      },
      admin,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const buyers = Array.from({ length: BUYERS }, (_, i) => `buyer-${i}`);
    /** Every pass seen in any answer, by buyer. */
    const passes = new Map<string, Set<string>>();
    const keep = (answer: HttpResult, buyerId: string) => {
      expect([200, 201], JSON.stringify(answer.body)).toContain(answer.status);
      if (answer.body.state !== 'admitted') return;
      const seen = passes.get(buyerId) ?? new Set<string>();
      seen.add(answer.body.pass);
      passes.set(buyerId, seen);
    };
    /** Buyer `i`'s status, asked of process `on % 2`. */
    const status = (i: number, on: number) =>
      send(on, 'GET', `/v1/events/${eventId}/queue/me?userId=${buyers[i]}`).then((answer) => {
        keep(answer, buyers[i] as string);
        return answer;
      });

    // Everyone joins at once, on alternate processes; each then asks its status on the other one.
    await Promise.all(
      buyers.map(async (buyerId, i) => {
        keep(await send(i, 'POST', `/v1/events/${eventId}/queue`, { userId: buyerId }), buyerId);
        await status(i, i + 1);
      }),
    );
    // Status rounds on both processes at once (each buyer on one, alternating), while both keep admitting.
    let last: HttpResult[] = [];
    for (let round = 0; round < ROUNDS_MAX && passes.size < MAX_ACTIVE; round++)
      last = await Promise.all(buyers.map((_, i) => status(i, i + round)));
    expect(passes.size, sale.deployment.group.outputs()).toBe(MAX_ACTIVE);
    await sleep(SETTLE_MS);
    last = await Promise.all(buyers.map((_, i) => status(i, i + 1)));

    // Nobody admitted twice (a second admission is a second expiry, so a second pass), none past maxActive.
    for (const [buyerId, seen] of passes) expect([...seen], `passes of ${buyerId}`).toHaveLength(1);
    expect(passes.size).toBe(MAX_ACTIVE);
    const redis = new Redis(sale.redis.url);
    try {
      expect(await redis.zcard(queueKeys(eventId)[4] as string), 'valid passes in Redis').toBe(MAX_ACTIVE);
    } finally {
      redis.disconnect();
    }
    // The others wait in one line, 1 … BUYERS - MAX_ACTIVE.
    const positions = last.flatMap((answer) =>
      answer.body.state === 'waiting' ? [answer.body.position] : [],
    );
    expect(positions.sort((a, b) => a - b)).toEqual(
      Array.from({ length: BUYERS - MAX_ACTIVE }, (_, i) => i + 1),
    );

    // Every pass handed out is valid on the other process too; a waiting buyer has none.
    const holders = [...passes.keys()];
    const holds = await Promise.all(
      holders.map((buyerId, i) =>
        send(
          i,
          'POST',
          `/v1/events/${eventId}/holds`,
          { userId: buyerId, quantity: 1, poolId: 'ga' },
          {
            'queue-pass': [...(passes.get(buyerId) as Set<string>)][0] as string,
          },
        ),
      ),
    );
    for (const hold of holds) expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    const waiting = buyers.find((buyerId) => !passes.has(buyerId)) as string;
    const refused = await send(1, 'POST', `/v1/events/${eventId}/holds`, {
      userId: waiting,
      quantity: 1,
      poolId: 'ga',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('queue_pass_required');
  }, 90_000);
});
