// "If a batch cannot be made durable, undo its changes in the gate and answer 503 store_unavailable."
// The embedded shape makes a batch durable by writing it to the log file; the store is a projection of that
// log, applied afterwards. A wrapper around the real log makes its writes fail on demand: the gate decided
// those changes before the write; the tests prove the gate takes them back, every caller of the batch gets
// 503, and once the log recovers the same seats sell normally. A failing store, by contrast, no longer
// fails any placement: its projection waits and catches up (last describe).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppendableLog } from '../../src/log/log.js';
import type { SqlDriver, SqlExecutor } from '../../src/store/sql-driver.js';
import {
  admin,
  type EventShape,
  eventBody,
  manualClock,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';

/** Makes the writes of the real log fail on demand; reads and consumers keep working. */
class CommitFault {
  #failing = false;
  #stall: Promise<void> | undefined;
  #release: (() => void) | undefined;
  /** Writes that were made to fail. */
  failed = 0;

  fail(on: boolean): void {
    this.#failing = on;
  }

  /** Failing writes wait until released, so later requests pile up behind the doomed batch. */
  stall(): void {
    this.#stall = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  release(): void {
    this.#release?.();
    this.#stall = undefined;
  }

  wrap = (real: AppendableLog): AppendableLog => ({
    append: async (entries) => {
      if (!this.#failing) return real.append(entries);
      this.failed++;
      await this.#stall;
      throw new Error('injected commit failure');
    },
    consumer: (group, member) => real.consumer(group, member),
    positions: (eventId) => real.positions(eventId),
    unacknowledged: (group, eventId) => real.unacknowledged(group, eventId),
    trim: () => real.trim(),
    close: () => real.close(),
  });
}

/** Makes the store's transactions fail on demand (the projection's writes); queries keep working. */
class StoreFault {
  failing = false;
  failed = 0;
  wrap = (real: SqlDriver): SqlDriver => ({
    query: (text, values) => real.query(text, values),
    exec: (script) => real.exec(script),
    close: () => real.close(),
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) =>
      real.transaction(async (tx) => {
        const result = await work(tx);
        if (!this.failing) return result;
        this.failed++;
        throw new Error('injected store failure');
      }),
  });
}

describe('a failing log write', () => {
  const fault = new CommitFault();
  const clock = manualClock();
  let bo: TestEmbedded;

  beforeAll(async () => {
    bo = await startEmbedded({ wrapLog: fault.wrap, clock: clock.now });
  });
  // A failed assertion must not leave the fault on for the next test.
  afterEach(() => {
    fault.release();
    fault.fail(false);
    vi.restoreAllMocks();
  });
  afterAll(async () => bo?.dispose());

  const shape: EventShape = {
    pools: [{ id: 'ga', capacity: 10, price: 4500 }],
    sections: [{ id: 'A', price: 9900, rows: [{ id: '1', seats: 10 }] }],
  };

  async function send(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
    const response = await bo.app.inject({ method, url, payload: payload as Record<string, unknown> });
    return { status: response.statusCode, body: response.json() };
  }

  async function createEvent(extra: EventShape = {}): Promise<string> {
    const eventId = uniqueEventId('fault');
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { ...shape, ...extra }),
    });
    expect(created.statusCode).toBe(201);
    return eventId;
  }

  async function hold(eventId: string, body: Record<string, unknown>): Promise<string> {
    const placed = await send('POST', `/v1/events/${eventId}/holds`, body);
    expect(placed.status).toBe(201);
    return placed.body.id;
  }

  /** What the gate shows of an event: live counts and every seat's status. */
  async function gateView(eventId: string) {
    const event = await send('GET', `/v1/events/${eventId}`);
    const seats = await send('GET', `/v1/events/${eventId}/seats`);
    const { available, held, sold, pools, sections } = event.body;
    return { available, held, sold, pools, sections, seats: seats.body.seats };
  }

  async function expectAuditConsistent(eventId: string, expected: { held: number; sold: number }) {
    const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
    expect(audit.json()).toMatchObject({
      consistent: true,
      oversold: 0,
      doubleBooked: 0,
      unprojected: 0,
      gate: expected,
      store: { held: expected.held, tickets: expected.sold },
    });
  }

  function expect503(result: { status: number; body: any }) {
    expect(result.status).toBe(503);
    expect(result.body.error.code).toBe('store_unavailable');
  }

  it('answers 503 to holds, orders, confirms and releases, and leaves the gate as it was', async () => {
    const eventId = await createEvent();
    const seatHold = await hold(eventId, { userId: 'u-1', seats: ['A-1-1', 'A-1-2'] });
    const poolHold = await hold(eventId, { userId: 'u-2', quantity: 2, poolId: 'ga' });
    const before = await gateView(eventId);
    expect(before).toMatchObject({ held: 4, sold: 0 });

    fault.fail(true);
    const failedBefore = fault.failed;
    expect503(await send('POST', `/v1/events/${eventId}/holds`, { userId: 'u-3', seats: ['A-1-3'] }));
    expect503(
      await send('POST', `/v1/events/${eventId}/holds`, { userId: 'u-3', quantity: 3, poolId: 'ga' }),
    );
    expect503(await send('POST', `/v1/events/${eventId}/orders`, { userId: 'u-4', seats: ['A-1-4'] }));
    expect503(
      await send('POST', `/v1/events/${eventId}/orders`, { userId: 'u-4', quantity: 1, poolId: 'ga' }),
    );
    expect503(await send('POST', `/v1/holds/${seatHold}/confirm`));
    expect503(await send('DELETE', `/v1/holds/${poolHold}`));
    // Every one of those reached the log and was refused there.
    expect(fault.failed - failedBefore).toBe(6);
    expect(await gateView(eventId)).toEqual(before);
    expect((await send('GET', `/v1/holds/${seatHold}`)).body).toMatchObject({ status: 'held' });
    expect((await send('GET', `/v1/holds/${poolHold}`)).body).toMatchObject({ status: 'held' });

    fault.fail(false);
    await hold(eventId, { userId: 'u-3', seats: ['A-1-3'] });
    const order = await send('POST', `/v1/events/${eventId}/orders`, { userId: 'u-4', seats: ['A-1-4'] });
    expect(order.status).toBe(201);
    const confirmed = await send('POST', `/v1/holds/${seatHold}/confirm`);
    expect(confirmed.status).toBe(201);
    expect((await send('DELETE', `/v1/holds/${poolHold}`)).status).toBe(200);
    // A-1-1, A-1-2 and A-1-4 sold; A-1-3 held.
    await expectAuditConsistent(eventId, { held: 1, sold: 3 });
  });

  it('a retried Idempotency-Key after a failed commit places the hold anew (201, not a replay)', async () => {
    const eventId = await createEvent();
    const request = {
      method: 'POST' as const,
      url: `/v1/events/${eventId}/holds`,
      headers: { 'idempotency-key': 'key-after-fault' },
      payload: { userId: 'u-1', seats: ['A-1-9'] },
    };
    fault.fail(true);
    const failed = await bo.app.inject(request);
    expect(failed.statusCode).toBe(503);

    fault.fail(false);
    const retried = await bo.app.inject(request);
    expect(retried.statusCode).toBe(201);
    const replayed = await bo.app.inject(request);
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json().id).toBe(retried.json().id);
    await expectAuditConsistent(eventId, { held: 1, sold: 0 });
  });

  it('undoes every request of a failing batch and of those queued behind it', async () => {
    const eventId = await createEvent();
    const toConfirm = await hold(eventId, { userId: 'u-c', seats: ['A-1-9'] });
    const toRelease = await hold(eventId, { userId: 'u-r', quantity: 1, poolId: 'ga' });
    const before = await gateView(eventId);

    fault.fail(true);
    fault.stall();
    const failedBefore = fault.failed;
    const requests = [
      ...['A-1-1', 'A-1-2', 'A-1-3'].map((seat, i) =>
        send('POST', `/v1/events/${eventId}/holds`, { userId: `h-${i}`, seats: [seat] }),
      ),
      ...[0, 1, 2].map((i) =>
        send('POST', `/v1/events/${eventId}/holds`, { userId: `p-${i}`, quantity: 2, poolId: 'ga' }),
      ),
      send('POST', `/v1/events/${eventId}/orders`, { userId: 'o-1', seats: ['A-1-5', 'A-1-6'] }),
      send('POST', `/v1/events/${eventId}/orders`, { userId: 'o-2', quantity: 1, poolId: 'ga' }),
      send('POST', `/v1/events/${eventId}/holds`, { userId: 'b-1', quantity: 2, sectionId: 'A' }),
      send('POST', `/v1/holds/${toConfirm}/confirm`),
      send('DELETE', `/v1/holds/${toRelease}`),
    ];
    // Placed + confirmed entries: 3 + 3 + 2×2 + 1 + 1 + 1 = 13, all decided before the first commit fails.
    await waitFor(() => bo.journal.pending(eventId).length === 13);
    const decided = await gateView(eventId);
    expect(decided.sold).toBe(4);
    expect(decided.held).toBe(before.held + 3 + 6 + 2 - 1 - 1);
    fault.release();

    const results = await Promise.all(requests);
    for (const result of results) expect503(result);
    // One write failed; the requests queued behind it were undone without a write of their own.
    expect(fault.failed - failedBefore).toBe(1);
    expect(await gateView(eventId)).toEqual(before);
    expect(bo.journal.pending(eventId)).toEqual([]);

    fault.fail(false);
    for (const [i, seat] of ['A-1-1', 'A-1-2', 'A-1-3', 'A-1-5', 'A-1-6'].entries())
      await hold(eventId, { userId: `again-${i}`, seats: [seat] });
    await hold(eventId, { userId: 'again-pool', quantity: 8, poolId: 'ga' });
    expect((await send('POST', `/v1/holds/${toConfirm}/confirm`)).status).toBe(201);
    expect((await send('DELETE', `/v1/holds/${toRelease}`)).status).toBe(200);
    // Held: five seats and eight pool tickets; sold: A-1-9.
    await expectAuditConsistent(eventId, { held: 5 + 8, sold: 1 });
  });

  it('a confirm or release racing a confirm whose commit fails gets 503, not 404 for a live hold', async () => {
    const eventId = await createEvent();
    const holdId = await hold(eventId, { userId: 'u-1', seats: ['A-1-8'] });

    const sync = vi.spyOn(bo.journal, 'sync');
    fault.fail(true);
    fault.stall();
    const first = send('POST', `/v1/holds/${holdId}/confirm`);
    await waitFor(() => bo.journal.pending(eventId).length === 1);
    // The hold has left the gate's live set while its confirm commits; these look for it in the store.
    const second = send('POST', `/v1/holds/${holdId}/confirm`);
    const release = send('DELETE', `/v1/holds/${holdId}`);
    const read = send('GET', `/v1/holds/${holdId}`);
    // Each of the three waits for the doomed commit (journal.sync) before it reads the store.
    await waitFor(() => sync.mock.calls.length === 3);
    fault.release();

    expect503(await first);
    expect((await read).body).toMatchObject({ id: holdId, status: 'held' });
    // The hold is live again, so "no such hold" would be false; the write failed, so 503 is the answer.
    expect503(await second);
    expect503(await release);
    fault.fail(false);
    expect((await send('POST', `/v1/holds/${holdId}/confirm`)).status).toBe(201);
    await expectAuditConsistent(eventId, { held: 0, sold: 1 });
  });

  it('a failed expiry sweep leaves the hold live; the next sweep after recovery expires it', async () => {
    const eventId = await createEvent({ holdTtlSeconds: 5 });
    const holdId = await hold(eventId, { userId: 'u-1', seats: ['A-1-7'] });
    clock.advance(6_000);

    fault.fail(true);
    await expect(bo.reservations.sweepExpired()).rejects.toThrow('injected commit failure');
    // The sweeper logs and retries next interval instead of throwing.
    expect(await bo.sweeper.sweepOnce()).toBe(0);
    expect((await send('GET', `/v1/holds/${holdId}`)).body).toMatchObject({ status: 'held' });
    const seat = (await gateView(eventId)).seats.find((s: { id: string }) => s.id === 'A-1-7');
    expect(seat).toEqual({ id: 'A-1-7', status: 'held' });

    fault.fail(false);
    expect(await bo.sweeper.sweepOnce()).toBe(1);
    expect((await send('GET', `/v1/holds/${holdId}`)).body).toMatchObject({ status: 'expired' });
    await hold(eventId, { userId: 'u-2', seats: ['A-1-7'] });
    await expectAuditConsistent(eventId, { held: 1, sold: 0 });
  });
});

describe('a failing store', () => {
  const fault = new StoreFault();
  let bo: TestEmbedded;

  beforeAll(async () => {
    bo = await startEmbedded({ wrapDriver: fault.wrap });
  });
  afterEach(() => {
    fault.failing = false;
  });
  afterAll(async () => bo?.dispose());

  it('fails no placement: the projection waits out the outage and catches up, and reads wait for it', async () => {
    const eventId = uniqueEventId('store-down');
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 10, price: 5 }] }),
    });
    expect(created.statusCode).toBe(201);
    fault.failing = true;
    const placed = await Promise.all(
      [1, 2, 3].map((n) =>
        bo.app.inject({
          method: 'POST',
          url: `/v1/events/${eventId}/orders`,
          payload: { userId: `u-${n}`, quantity: 1, poolId: 'ga' },
        }),
      ),
    );
    expect(placed.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    await waitFor(() => fault.failed > 0);
    // A read of the store waits for its projection; once the store is back it answers with all three.
    const read = bo.app.inject({ method: 'GET', url: `/v1/orders/${placed[0]?.json().orderId}` });
    fault.failing = false;
    expect((await read).statusCode).toBe(200);
    const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
    expect(audit.json()).toMatchObject({ consistent: true, unprojected: 0, store: { tickets: 3 } });
  });
});

/** Polls a condition of this process's own state; bounded so a broken gate fails instead of hanging. */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
