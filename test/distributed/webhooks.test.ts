// Webhooks in the distributed shape: real API and worker processes over a private Redis and a throwaway
// PostgreSQL database, sharing one BOXOFFICE_WEBHOOKS_KEY. The API registers the endpoint; the worker reads
// the log's `webhooks` group and delivers, each request verified with the reference `standardwebhooks`. The
// placement that takes the event's last unit is announced as `event.sold_out`, once, from the log as well.
// Admissions from the waiting room (XADDed by the API's admission script) reach it as `queue.admitted`.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECTION_GROUP } from '../../src/log/log.js';
import { eventKeys } from '../../src/log/redis/encoding.js';
import { RedisLog } from '../../src/log/redis/redis-log.js';
import { WEBHOOKS_GROUP } from '../../src/webhooks/dispatcher.js';
import { eventBody, uniqueEventId } from '../support/embedded.js';
import { postgresAvailable } from '../support/postgres.js';
import { admin, type DeployedSale, useDeployment } from '../support/processes.js';
import { redisAvailable } from '../support/redis-server.js';
import { Receiver } from '../webhooks/receiver.js';

const available = redisAvailable() && (await postgresAvailable());
const WEBHOOKS = {
  BOXOFFICE_WEBHOOKS_KEY: Buffer.alloc(32, 7).toString('base64'),
  BOXOFFICE_WEBHOOKS_ALLOW_PRIVATE: 'true',
};
const DELIVERED_TIMEOUT_MS = 30_000;

describe.skipIf(!available)('webhooks delivered by the distributed worker', () => {
  let sale: DeployedSale;
  let receiver: Receiver;
  useDeployment({ apis: 1, workers: ['w1'], apiEnv: WEBHOOKS, workerEnv: WEBHOOKS }, (s) => {
    sale = s;
  });
  beforeAll(async () => {
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('sends each confirmation, release and sell-out once, signed, in log order', async () => {
    const [client] = sale.deployment.clients;
    if (client === undefined) throw new Error('no API process');
    const endpoint = await client.send(
      'POST',
      '/v1/webhooks',
      { url: receiver.url, events: ['order.confirmed', 'hold.released', 'event.sold_out'] },
      admin,
    );
    expect(endpoint.status).toBe(201);
    receiver.secrets = [endpoint.body.secret];
    const eventId = uniqueEventId('hooks');
    const created = await client.send(
      'POST',
      '/v1/events',
      // Five units for six holds, one of them released first: the sixth hold takes the last unit.
      eventBody(eventId, { maxPerUser: 10, pools: [{ id: 'ga', capacity: 5, price: 1000 }] }),
      admin,
    );
    expect(created.status).toBe(201);
    const expected: string[] = [];
    for (let i = 0; i < 6; i++) {
      const hold = await client.send('POST', `/v1/events/${eventId}/holds`, {
        userId: `b${i}`,
        quantity: 1,
        poolId: 'ga',
      });
      expect(hold.status).toBe(201);
      if (i === 5) expected.push(`event.sold_out ${hold.body.id}`);
      if (i % 3 === 2) {
        expect((await client.send('DELETE', `/v1/holds/${hold.body.id}`)).status).toBe(200);
        expected.push(`hold.released ${hold.body.id}`);
      } else {
        expect((await client.send('POST', `/v1/holds/${hold.body.id}/confirm`)).status).toBe(201);
        expected.push(`order.confirmed ${hold.body.id}`);
      }
    }
    const deadline = Date.now() + DELIVERED_TIMEOUT_MS;
    while (receiver.accepted.length < expected.length && Date.now() < deadline) await sleep(100);
    expect(receiver.unverified).toEqual([]);
    expect(receiver.accepted.map((r) => `${r.payload.type} ${r.payload.data.holdId}`)).toEqual(expected);
  });

  it('sends one queue.admitted per buyer the waiting room admits, and the projector takes the entries', async () => {
    const [client] = sale.deployment.clients;
    if (client === undefined) throw new Error('no API process');
    const endpoint = await client.send(
      'POST',
      '/v1/webhooks',
      { url: receiver.url, events: ['queue.admitted'] },
      admin,
    );
    expect(endpoint.status).toBe(201);
    receiver.secrets.push(endpoint.body.secret);
    const eventId = uniqueEventId('queued');
    const now = Date.now();
    const created = await client.send(
      'POST',
      '/v1/events',
      {
        ...eventBody(eventId, { pools: [{ id: 'ga', capacity: 10, price: 1000 }] }),
        queue: {
          opensAt: new Date(now - 60_000).toISOString(),
          salesStartAt: new Date(now - 1_000).toISOString(),
          admitPerMinute: 600,
          passMinutes: 10,
          maxActive: 100,
        },
      },
      admin,
    );
    expect(created.status).toBe(201);
    const buyers = ['ann', 'bob', 'cy'];
    for (const userId of buyers)
      expect((await client.send('POST', `/v1/events/${eventId}/queue`, { userId })).status).toBe(201);
    const admitted = new Set<string>();
    const deadline = Date.now() + DELIVERED_TIMEOUT_MS;
    while (admitted.size < buyers.length && Date.now() < deadline) {
      for (const userId of buyers) {
        const me = await client.send('GET', `/v1/events/${eventId}/queue/me?userId=${userId}`);
        if (me.body.state === 'admitted') admitted.add(userId);
      }
      await sleep(100);
    }
    expect([...admitted].sort()).toEqual(buyers);

    // Once both groups have read the event's whole stream and the outbox is sent, nothing more can come.
    const redis = new Redis(sale.redis.url);
    const log = new RedisLog({ redis });
    const admissions = () =>
      receiver.accepted.filter(
        (r) => r.payload.type === 'queue.admitted' && r.payload.data.eventId === eventId,
      );
    let outbox: { type: string; status: string }[] = [];
    try {
      for (;;) {
        const positions = await log.positions(eventId);
        const caughtUp = [WEBHOOKS_GROUP, PROJECTION_GROUP].every((group) =>
          positions.some((p) => p.group === group && p.pending === 0 && p.lag === 0),
        );
        outbox = (await client.send('GET', `/v1/webhooks/${endpoint.body.id}/deliveries`, undefined, admin))
          .body.deliveries;
        const sent = outbox.every((d) => d.status === 'delivered');
        if ((caughtUp && sent && admissions().length >= buyers.length) || Date.now() > deadline) break;
        await sleep(100);
      }
      // The projectors took the admissions without a dead letter (the store ignores them).
      expect(await redis.xlen(eventKeys(eventId).deadLetters)).toBe(0);
    } finally {
      redis.disconnect();
    }
    expect(receiver.unverified).toEqual([]);
    expect(outbox.map((d) => `${d.type} ${d.status}`)).toEqual(buyers.map(() => 'queue.admitted delivered'));
    expect(
      admissions()
        .map((r) => r.payload.data.userId)
        .sort(),
    ).toEqual(buyers);
  });
});
