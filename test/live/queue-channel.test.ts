// The queue channel of the live WebSocket: a connection opened with a buyer's queueToken is pushed that
// buyer's status; when the last ticket is confirmed and nothing is held, every waiting connection is told
// `sold_out` at the next push, without asking. A token of another event is refused before the upgrade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  admin,
  eventBody,
  manualClock,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';
import { listen } from '../support/http.js';

/** Many pushes (every 500 ms) fit in this; it bounds a wait for a status that never comes. */
const WAIT_MS_MAX = 10_000;

interface QueueMessage {
  readonly type: string;
  readonly state?: string;
  readonly position?: number | null;
}

/** A live connection that keeps the queue messages it is sent. */
function follow(
  url: string,
): Promise<{ messages: QueueMessage[]; next(state: string): Promise<void>; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const messages: QueueMessage[] = [];
    const waiters: { state: string; done: () => void }[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as QueueMessage;
      if (message.type !== 'queue') return;
      messages.push(message);
      for (const waiter of waiters.filter((w) => w.state === message.state)) waiter.done();
    });
    socket.once('unexpected-response', (_request, response) =>
      reject(Object.assign(new Error('refused'), { status: response.statusCode })),
    );
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        messages,
        next: (state) =>
          messages.some((m) => m.state === state)
            ? Promise.resolve()
            : new Promise((done, fail) => {
                // Bounded: a status that never comes fails with what came instead.
                const timer = setTimeout(
                  () => fail(new Error(`no ${state} in ${JSON.stringify(messages)}`)),
                  WAIT_MS_MAX,
                );
                waiters.push({
                  state,
                  done: () => {
                    clearTimeout(timer);
                    done();
                  },
                });
              }),
        close: () => socket.close(),
      }),
    );
  });
}

describe('the live queue channel', () => {
  let bo: TestEmbedded;
  let baseUrl: string;
  const clock = manualClock(Date.parse('2030-01-01T10:00:00Z'));
  beforeAll(async () => {
    bo = await startEmbedded({ clock: clock.now, queue: { manualSteps: true, abandonAfterSeconds: 3_600 } });
    baseUrl = await listen(bo.app);
  });
  afterAll(async () => bo?.dispose());

  it('pushes each buyer its status and sold_out to every waiting connection', async () => {
    const eventId = uniqueEventId('soldout');
    const at = new Date(clock.now()).toISOString();
    await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: {
        ...eventBody(eventId, { pools: [{ id: 'ga', capacity: 1, price: 100 }] }),
        queue: { opensAt: at, salesStartAt: at, admitPerMinute: 600, passMinutes: 5, maxActive: 1 },
      },
    });
    const join = async (userId: string) =>
      (
        await bo.app.inject({ method: 'POST', url: `/v1/events/${eventId}/queue`, payload: { userId } })
      ).json();
    const first = await join('b1');
    const waiting = [await join('b2'), await join('b3')];
    clock.advance(1_000);
    await bo.queue.step();
    const pass = (
      await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/queue/me?userId=b1` })
    ).json().pass as string;
    expect(first.queueToken).toBeTypeOf('string');
    const ws = baseUrl.replace('http', 'ws');
    const clients = await Promise.all(
      waiting.map((view) =>
        follow(`${ws}/v1/events/${eventId}/live?queueToken=${encodeURIComponent(view.queueToken)}`),
      ),
    );
    await Promise.all(clients.map((client) => client.next('waiting')));
    expect(clients.map((client) => client.messages[0]?.position)).toEqual([1, 2]);
    const hold = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      headers: { 'queue-pass': pass },
      payload: { userId: 'b1', quantity: 1, poolId: 'ga' },
    });
    expect(hold.statusCode).toBe(201);
    // Nothing left but one held: not sold out yet (the hold may come back).
    await bo.queue.step();
    await bo.app.inject({ method: 'POST', url: `/v1/holds/${hold.json().id}/confirm` });
    await bo.queue.step();
    await Promise.all(clients.map((client) => client.next('sold_out')));
    expect(clients.map((client) => client.messages.at(-1))).toMatchObject([
      { type: 'queue', state: 'sold_out', position: 1 },
      { type: 'queue', state: 'sold_out', position: 2 },
    ]);
    for (const client of clients) client.close();
  });

  it('refuses a queue token of another event before the upgrade', async () => {
    const one = uniqueEventId('one');
    const other = uniqueEventId('other');
    const at = new Date(clock.now()).toISOString();
    for (const id of [one, other])
      await bo.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: {
          ...eventBody(id, { pools: [{ id: 'ga', capacity: 5, price: 100 }] }),
          queue: { opensAt: at, salesStartAt: at, admitPerMinute: 60, passMinutes: 5, maxActive: 1 },
        },
      });
    const token = (
      await bo.app.inject({ method: 'POST', url: `/v1/events/${one}/queue`, payload: { userId: 'c1' } })
    ).json().queueToken as string;
    const ws = baseUrl.replace('http', 'ws');
    await expect(
      follow(`${ws}/v1/events/${other}/live?queueToken=${encodeURIComponent(token)}`),
    ).rejects.toMatchObject({ status: 403 });
  });
});
