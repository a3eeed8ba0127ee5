// "2xx means durable": the real server as a child process, a load of holds, confirms and releases,
// `kill -9` in the middle of it, and a restart on the same data directory. Everything the client saw
// acknowledged must be there after the restart, the rebuilt gate must refuse the seats that were taken,
// and live holds must keep their original expiry.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventBody, freshDataDir, uniqueEventId } from '../support/embedded.js';
import { httpClient } from '../support/http.js';
import { killHard, type ServeProcess, startServe } from '../support/serve-process.js';

const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
/** Concurrent clients of the load, each running holds then confirms or releases one after another. */
const WORKERS = 24;
/** Bound on each worker's holds, so the load ends even if the kill never came. */
const HOLDS_PER_WORKER_MAX = 60;
/** Holds of the opening burst, all sent at once. */
const BURST_HOLDS = 200;
/** The server is killed once the workers have this many holds acknowledged, with the others in flight. */
const KILL_AFTER_ACKED_HOLDS = 300;

type Status = 'held' | 'confirmed' | 'released';

/** What the client knows of one hold: the last acknowledged status and any change sent but not answered. */
interface Known {
  readonly id: string;
  readonly body: any;
  status: Status;
  orderId?: string;
  unanswered?: Status;
}

const children: ChildProcess[] = [];

async function startServer(dataDir: string): Promise<ServeProcess> {
  const server = await startServe(dataDir, {
    BOXOFFICE_ADMIN_TOKEN: ADMIN_TOKEN,
    BOXOFFICE_HOLD_TTL_SECONDS: '3600',
    // Thousands of holds from one address: the load is the point, not the limits.
    BOXOFFICE_RATE_LIMIT_PER_IP: 'off',
    BOXOFFICE_RATE_LIMIT_PER_BUYER: 'off',
    LOG_LEVEL: 'warn',
  });
  children.push(server.child);
  return server;
}

describe('kill -9 during a load of holds', () => {
  const { dataDir, remove } = freshDataDir();
  const eventId = uniqueEventId('crash');

  afterAll(async () => {
    for (const child of children) await killHard(child);
    remove();
  });

  it('keeps every acknowledged hold and order, and the restarted gate refuses their seats', async () => {
    const first = await startServer(dataDir);
    let client = httpClient(first.url, 64);
    const created = await client.send(
      'POST',
      '/v1/events',
      eventBody(eventId, {
        maxPerUser: 10,
        pools: [{ id: 'ga', capacity: 100_000, price: 4500 }],
        sections: [
          {
            id: 'A',
            price: 9900,
            rows: Array.from({ length: 40 }, (_, i) => ({ id: `${i + 1}`, seats: 50 })),
          },
          { id: 'N', price: 15000, rows: [{ id: '1', seats: 10 }] },
        ],
      }),
      admin,
    );
    expect(created.status).toBe(201);
    const holdsPath = `/v1/events/${eventId}/holds`;

    // Named seats with a known fate, settled well before the kill.
    const held = await client.send('POST', holdsPath, { userId: 'n-held', seats: ['N-1-1'] });
    const toConfirm = await client.send('POST', holdsPath, { userId: 'n-sold', seats: ['N-1-2'] });
    const toRelease = await client.send('POST', holdsPath, { userId: 'n-free', seats: ['N-1-3'] });
    const keyed = { userId: 'n-key', seats: ['N-1-4'] };
    const withKey = await client.send('POST', holdsPath, keyed, { 'idempotency-key': 'crash-key' });
    expect([held.status, toConfirm.status, toRelease.status, withKey.status]).toEqual([201, 201, 201, 201]);
    const sold = await client.send('POST', `/v1/holds/${toConfirm.body.id}/confirm`);
    expect(sold.status).toBe(201);
    expect((await client.send('DELETE', `/v1/holds/${toRelease.body.id}`)).status).toBe(200);

    // The load: a burst of concurrent holds, then workers holding, confirming and releasing until killed.
    const known = new Map<string, Known>();
    const burst = await Promise.all(
      Array.from({ length: BURST_HOLDS }, (_, i) =>
        client.send('POST', holdsPath, { userId: `burst-${i}`, quantity: 1 + (i % 2), poolId: 'ga' }),
      ),
    );
    for (const result of burst) {
      expect(result.status).toBe(201);
      known.set(result.body.id, { id: result.body.id, body: result.body, status: 'held' });
    }
    const unexpected: string[] = [];
    let ackedHolds = 0;
    const worker = async (w: number) => {
      for (let n = 0; n < HOLDS_PER_WORKER_MAX; n++) {
        const body =
          n % 2 === 0
            ? { userId: `w${w}-${n}`, quantity: 1 + (n % 3), poolId: 'ga' }
            : { userId: `w${w}-${n}`, quantity: 2, sectionId: 'A' };
        const placed = await client.send('POST', holdsPath, body);
        if (placed.status !== 201) return void unexpected.push(`hold ${placed.status}`);
        const hold: Known = { id: placed.body.id, body: placed.body, status: 'held' };
        known.set(hold.id, hold);
        if (++ackedHolds === KILL_AFTER_ACKED_HOLDS) first.child.kill('SIGKILL');
        // Two in five confirmed, one in five released, the rest left held.
        const next = (w + n) % 5 < 2 ? 'confirmed' : (w + n) % 5 === 2 ? 'released' : undefined;
        if (next === undefined) continue;
        hold.unanswered = next;
        const path = `/v1/holds/${hold.id}${next === 'confirmed' ? '/confirm' : ''}`;
        const ended = await client.send(next === 'confirmed' ? 'POST' : 'DELETE', path);
        if (ended.status >= 300) return void unexpected.push(`${next} ${ended.status}`);
        hold.status = next;
        hold.orderId = ended.body.orderId;
        hold.unanswered = undefined;
      }
    };
    // A worker stops at its first network error: that is the kill, which found requests in flight.
    let cutOff = 0;
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w).catch(() => void cutOff++)));
    expect(cutOff).toBeGreaterThan(0);
    await killHard(first.child);
    await client.close();
    expect(unexpected).toEqual([]);
    expect(ackedHolds).toBeGreaterThanOrEqual(KILL_AFTER_ACKED_HOLDS);
    const unanswered = [...known.values()].filter((hold) => hold.unanswered !== undefined).length;

    // Acknowledged means written to the log file (the store is its projection, caught up at restart).
    expect(readdirSync(join(dataDir, 'log')).filter((name) => name.endsWith('.seg')).length).toBeGreaterThan(
      0,
    );
    // The killed process left its lock behind; the restart must take it over.
    const lockPath = join(dataDir, 'boxoffice.lock');
    expect(readFileSync(lockPath, 'utf8')).toBe(String(first.child.pid));
    const second = await startServer(dataDir);
    expect(readFileSync(lockPath, 'utf8')).toBe(String(second.child.pid));
    client = httpClient(second.url, 64);

    // Every acknowledged hold is there, with the last acknowledged status (or the change that was in
    // flight at the kill, which may or may not have committed), its items and its original expiry.
    const seatMap = await client.send('GET', `/v1/events/${eventId}/seats`);
    const seatStatus = new Map<string, string>(seatMap.body.seats.map((s: any) => [s.id, s.status]));
    const problems: string[] = [];
    for (const hold of known.values()) {
      const found = await client.send('GET', `/v1/holds/${hold.id}`);
      const allowed = [hold.status, hold.unanswered].filter((status) => status !== undefined);
      if (found.status !== 200) problems.push(`${hold.id}: GET ${found.status}`);
      else if (!allowed.includes(found.body.status))
        problems.push(`${hold.id}: ${found.body.status}, acknowledged ${hold.status}`);
      else {
        expect(found.body.items).toEqual(hold.body.items);
        expect(found.body.expiresAt).toBe(hold.body.expiresAt);
        for (const item of found.body.items as { seatId?: string }[]) {
          // A released seat may have been taken again by a later hold, so only taken seats are checked.
          const expected = { held: 'held', confirmed: 'sold', released: undefined }[
            found.body.status as Status
          ];
          if (expected !== undefined && item.seatId !== undefined && seatStatus.get(item.seatId) !== expected)
            problems.push(
              `${hold.id}: seat ${item.seatId} ${seatStatus.get(item.seatId)}, hold ${found.body.status}`,
            );
        }
      }
      if (hold.status === 'confirmed') {
        const order = await client.send('GET', `/v1/orders/${hold.orderId}`);
        if (order.status !== 200) problems.push(`${hold.orderId}: GET ${order.status}`);
        else expect(order.body.tickets).toHaveLength(itemCount(hold.body));
      }
    }
    expect(problems).toEqual([]);
    expect(unanswered).toBeLessThanOrEqual(WORKERS);

    // The named seats: held and sold ones are refused, the released one sells again.
    const live = await client.send('GET', `/v1/holds/${held.body.id}`);
    expect(live.body).toMatchObject({ status: 'held', expiresAt: held.body.expiresAt });
    for (const seat of ['N-1-1', 'N-1-2', 'N-1-4']) {
      const again = await client.send('POST', holdsPath, { userId: `after-${seat}`, seats: [seat] });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('seat_unavailable');
    }
    expect((await client.send('GET', `/v1/orders/${sold.body.orderId}`)).status).toBe(200);
    expect((await client.send('POST', holdsPath, { userId: 'after', seats: ['N-1-3'] })).status).toBe(201);
    // The idempotency key survived too: the retry answers with the original hold, not a second one.
    const retried = await client.send('POST', holdsPath, keyed, { 'idempotency-key': 'crash-key' });
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(withKey.body.id);

    const audit = await client.send('GET', `/v1/events/${eventId}/audit`, undefined, admin);
    expect(audit.body).toMatchObject({ consistent: true, oversold: 0, doubleBooked: 0, phantom: 0 });
    await client.close();
  }, 180_000);
});

function itemCount(hold: { items: { quantity: number }[] }): number {
  return hold.items.reduce((sum, item) => sum + item.quantity, 0);
}
