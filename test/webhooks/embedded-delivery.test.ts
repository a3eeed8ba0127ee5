// Webhooks of the embedded server as it runs them: its dispatcher reads the log file's `webhooks` group in
// the same process. A waitlist offer (made by the gate when a release returns stock) reaches the receiver as
// `waitlist.offered`, after the release that made it, each request verified with `standardwebhooks`; each
// time a rush takes an event's last unit, `event.sold_out` names the hold that took it, once. A buyer let out
// of the waiting room (by the server's own admission steps) reaches it as one `queue.admitted`.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECTION_GROUP } from '../../src/log/log.js';
import { WEBHOOKS_GROUP } from '../../src/webhooks/dispatcher.js';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';
import { Receiver } from './receiver.js';

const DELIVERED_TIMEOUT_MS = 20_000;

describe('webhooks of the embedded server', () => {
  let bo: TestEmbedded;
  let receiver: Receiver;
  beforeAll(async () => {
    bo = await startEmbedded({ webhooksAllowPrivate: true });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await bo.dispose();
    await receiver.close();
  });

  it('announces a release and the waitlist offer it made, in that order', async () => {
    const endpoint = await bo.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: admin,
      payload: { url: receiver.url, events: ['hold.released', 'waitlist.offered'] },
    });
    expect(endpoint.statusCode).toBe(201);
    receiver.secrets = [endpoint.json().secret];
    const eventId = uniqueEventId('offer');
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { maxPerUser: 4, pools: [{ id: 'ga', capacity: 2, price: 500 }] }),
    });
    expect(created.statusCode).toBe(201);
    const hold = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'first', quantity: 2, poolId: 'ga' },
    });
    expect(hold.statusCode).toBe(201);
    const joined = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/waitlist`,
      payload: { userId: 'waiting', quantity: 1, poolId: 'ga' },
    });
    expect(joined.statusCode).toBe(201);
    const released = await bo.app.inject({ method: 'DELETE', url: `/v1/holds/${hold.json().id}` });
    expect(released.statusCode).toBe(200);

    const deadline = Date.now() + DELIVERED_TIMEOUT_MS;
    while (receiver.accepted.length < 2 && Date.now() < deadline) await sleep(50);
    expect(receiver.unverified).toEqual([]);
    const [release, offer] = receiver.accepted.map((r) => r.payload);
    expect(release).toMatchObject({ type: 'hold.released', data: { holdId: hold.json().id } });
    expect(offer).toMatchObject({
      type: 'waitlist.offered',
      data: { eventId, userId: 'waiting', quantity: 1, total: 500, waitlistEntryId: joined.json().id },
    });
    // The announced hold is the buyer's offer, there to be confirmed.
    const offered = await bo.app.inject({ method: 'GET', url: `/v1/holds/${offer?.data.holdId}` });
    expect(offered.json()).toMatchObject({ userId: 'waiting', status: 'held' });
  });

  it('announces each sell-out once: a rush that takes the last unit, and again after a release', async () => {
    // A receiver of its own: the first test's endpoint hears this event's releases too.
    const own = await Receiver.start();
    try {
      const endpoint = await bo.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: admin,
        payload: { url: own.url, events: ['event.sold_out', 'hold.released'] },
      });
      expect(endpoint.statusCode).toBe(201);
      own.secrets = [endpoint.json().secret];
      const eventId = uniqueEventId('soldout');
      const created = await bo.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(eventId, { maxPerUser: 1, pools: [{ id: 'ga', capacity: 3, price: 500 }] }),
      });
      expect(created.statusCode).toBe(201);
      const hold = (userId: string) =>
        bo.app.inject({
          method: 'POST',
          url: `/v1/events/${eventId}/holds`,
          payload: { userId, quantity: 1, poolId: 'ga' },
        });
      const rush = await Promise.all(Array.from({ length: 10 }, (_, i) => hold(`rush${i}`)));
      const winners = rush.filter((r) => r.statusCode === 201).map((r) => r.json().id as string);
      expect(winners).toHaveLength(3);
      const release = (holdId: string) => bo.app.inject({ method: 'DELETE', url: `/v1/holds/${holdId}` });
      expect((await release(winners[0] as string)).statusCode).toBe(200);
      const again = await hold('late');
      expect(again.statusCode).toBe(201);
      // Delivered in log order per endpoint and event: once the last release is in, everything before it is.
      expect((await release(again.json().id)).statusCode).toBe(200);

      const deadline = Date.now() + DELIVERED_TIMEOUT_MS;
      while (own.accepted.length < 4 && Date.now() < deadline) await sleep(50);
      expect(own.unverified).toEqual([]);
      expect(own.accepted.map((r) => r.payload.type)).toEqual([
        'event.sold_out',
        'hold.released',
        'event.sold_out',
        'hold.released',
      ]);
      const [first, , second] = own.accepted;
      expect(winners).toContain(first?.payload.data.holdId);
      expect(first?.payload.data).toEqual({
        eventId,
        holdId: first?.payload.data.holdId,
        soldOutAt: first?.payload.timestamp,
      });
      expect(second?.payload.data).toMatchObject({ eventId, holdId: again.json().id });
      expect(first?.id).not.toBe(second?.id);
    } finally {
      await own.close();
    }
  });

  it('announces each buyer admitted from the waiting room once, without its pass', async () => {
    const docs = await bo.app.inject({ method: 'GET', url: '/docs/json' });
    expect(JSON.stringify(docs.json())).toContain('queue.admitted');
    const endpoint = await bo.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: admin,
      payload: { url: receiver.url, events: ['queue.admitted'] },
    });
    expect(endpoint.statusCode).toBe(201);
    receiver.secrets.push(endpoint.json().secret);
    const eventId = uniqueEventId('queued');
    const now = Date.now();
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: {
        ...eventBody(eventId, { pools: [{ id: 'ga', capacity: 10, price: 500 }] }),
        queue: {
          opensAt: new Date(now - 60_000).toISOString(),
          salesStartAt: new Date(now - 1_000).toISOString(),
          admitPerMinute: 600,
          passMinutes: 10,
          maxActive: 100,
        },
      },
    });
    expect(created.statusCode).toBe(201);
    const buyers = ['ann', 'bob'];
    for (const userId of buyers) {
      const joined = await bo.app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/queue`,
        payload: { userId },
      });
      expect(joined.statusCode).toBe(201);
    }
    const passes = new Map<string, { pass: string; passExpiresAt: string }>();
    const deadline = Date.now() + DELIVERED_TIMEOUT_MS;
    while (passes.size < buyers.length && Date.now() < deadline) {
      for (const userId of buyers) {
        const me = await bo.app.inject({
          method: 'GET',
          url: `/v1/events/${eventId}/queue/me?userId=${userId}`,
        });
        if (me.json().state === 'admitted') passes.set(userId, me.json());
      }
      await sleep(50);
    }
    expect([...passes.keys()].sort()).toEqual(buyers);
    // Joining again once admitted is no second admission; the pass places a hold.
    const again = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/queue`,
      payload: { userId: 'ann' },
    });
    expect(again.json().state).toBe('admitted');
    const hold = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      headers: { 'queue-pass': passes.get('ann')?.pass as string },
      payload: { userId: 'ann', quantity: 1, poolId: 'ga' },
    });
    expect(hold.statusCode).toBe(201);

    // Once the webhooks group has read the whole log and the outbox is sent, nothing more can come.
    const admissions = () =>
      receiver.accepted.filter(
        (r) => r.payload.type === 'queue.admitted' && r.payload.data.eventId === eventId,
      );
    let outbox: { type: string; status: string }[] = [];
    const settled = async () => {
      const positions = await bo.log.positions(eventId);
      const caughtUp = [WEBHOOKS_GROUP, PROJECTION_GROUP].every((group) =>
        positions.some((p) => p.group === group && p.pending === 0 && p.lag === 0),
      );
      const deliveries = await bo.app.inject({
        method: 'GET',
        url: `/v1/webhooks/${endpoint.json().id}/deliveries`,
        headers: admin,
      });
      outbox = deliveries.json().deliveries;
      return (
        caughtUp && outbox.every((d) => d.status === 'delivered') && admissions().length >= buyers.length
      );
    };
    while (!(await settled()) && Date.now() < deadline) await sleep(50);
    expect(receiver.unverified).toEqual([]);
    expect(outbox.map((d) => `${d.type} ${d.status}`)).toEqual(buyers.map(() => 'queue.admitted delivered'));
    const announced = admissions();
    expect(announced.map((r) => r.payload.data.userId).sort()).toEqual(buyers);
    for (const { payload, body } of announced) {
      const { pass, passExpiresAt } = passes.get(payload.data.userId as string) ?? {};
      expect(payload.data).toEqual({
        eventId,
        userId: payload.data.userId,
        joinedAt: expect.any(String),
        passExpiresAt,
      });
      expect(body).not.toContain(pass?.split('.')[1]);
    }
  });
});
