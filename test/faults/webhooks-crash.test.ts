// Webhooks survive `kill -9` of the process delivering them: the real embedded server, a slow receiver that
// verifies every signature with the reference `standardwebhooks` package, a run of confirmed orders, a kill
// while deliveries are still in flight, and a restart on the same data directory. Every confirmation reaches
// the receiver (a repeat keeps its webhook-id), in the order of the log.
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { eventBody, freshDataDir, uniqueEventId } from '../support/embedded.js';
import { httpClient } from '../support/http.js';
import { killHard, type ServeProcess, startServe } from '../support/serve-process.js';
import { Receiver } from '../webhooks/receiver.js';

const ADMIN_TOKEN = 'webhooks-crash-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const ORDERS = 40;
/** Each answer of the receiver waits this long, so deliveries trail the confirmations. */
const RECEIVER_DELAY_MS = 50;
/** A delivery leased by the killed process is sent again once its lease ends (25 s with the defaults). */
const DELIVERED_TIMEOUT_MS = 90_000;

const children: ChildProcess[] = [];

async function startServer(dataDir: string): Promise<ServeProcess> {
  const server = await startServe(dataDir, {
    BOXOFFICE_ADMIN_TOKEN: ADMIN_TOKEN,
    BOXOFFICE_WEBHOOKS_ALLOW_PRIVATE: 'true',
    BOXOFFICE_RATE_LIMIT_PER_IP: 'off',
    BOXOFFICE_RATE_LIMIT_PER_BUYER: 'off',
    LOG_LEVEL: 'warn',
  });
  children.push(server.child);
  return server;
}

/** The hold ids of the accepted `order.confirmed` deliveries, first arrival of each, in arrival order. */
function confirmedInArrivalOrder(receiver: Receiver): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  for (const request of receiver.accepted) {
    if (request.payload.type !== 'order.confirmed') continue;
    const holdId = String(request.payload.data.holdId);
    if (seen.has(holdId)) continue;
    seen.add(holdId);
    order.push(holdId);
  }
  return order;
}

describe('kill -9 of the process delivering webhooks', () => {
  const { dataDir, remove } = freshDataDir();
  const eventId = uniqueEventId('hooks');
  let receiver: Receiver | undefined;

  afterAll(async () => {
    for (const child of children) await killHard(child);
    await receiver?.close();
    remove();
  });

  it('delivers every confirmation after the restart, a repeat with the same webhook-id, in log order', async () => {
    receiver = await Receiver.start();
    receiver.delayMs = RECEIVER_DELAY_MS;
    const first = await startServer(dataDir);
    const client = httpClient(first.url, 8);
    const endpoint = await client.send(
      'POST',
      '/v1/webhooks',
      { url: receiver.url, events: ['order.confirmed'], description: 'crash test' },
      admin,
    );
    expect(endpoint.status).toBe(201);
    expect(endpoint.body.secret).toMatch(/^whsec_/);
    receiver.secrets = [endpoint.body.secret];
    const created = await client.send(
      'POST',
      '/v1/events',
      eventBody(eventId, { maxPerUser: 10, pools: [{ id: 'ga', capacity: 1_000, price: 2500 }] }),
      admin,
    );
    expect(created.status).toBe(201);

    const confirmed: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const hold = await client.send('POST', `/v1/events/${eventId}/holds`, {
        userId: `buyer-${i}`,
        quantity: 1,
        poolId: 'ga',
      });
      expect(hold.status).toBe(201);
      expect((await client.send('POST', `/v1/holds/${hold.body.id}/confirm`)).status).toBe(201);
      confirmed.push(hold.body.id);
    }
    await killHard(first.child);
    const beforeKill = confirmedInArrivalOrder(receiver).length;
    // The kill came while deliveries were still owed: otherwise this test would prove nothing.
    expect(beforeKill).toBeLessThan(ORDERS);

    await startServer(dataDir);
    const deadline = Date.now() + DELIVERED_TIMEOUT_MS;
    while (confirmedInArrivalOrder(receiver).length < ORDERS && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));

    expect(receiver.unverified).toEqual([]);
    expect(confirmedInArrivalOrder(receiver)).toEqual(confirmed);
    // A repeat (sent before the kill, not recorded) carries the webhook-id of the first sending.
    const idsByHold = new Map<string, Set<string>>();
    for (const request of receiver.received) {
      const holdId = String(request.payload.data.holdId);
      const ids = idsByHold.get(holdId) ?? new Set<string>();
      ids.add(request.id);
      idsByHold.set(holdId, ids);
    }
    for (const ids of idsByHold.values()) expect(ids.size).toBe(1);
  });
});
