// The store contract, run against every adapter (PGlite and PostgreSQL) with the same migrations and queries.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newHold } from '../../src/domain/hold.js';
import type { HoldEntry, LogEntry } from '../../src/domain/log-entry.js';
import { orderOf } from '../../src/domain/order.js';
import type { EventSpec, Hold, HoldItem } from '../../src/domain/types.js';
import { countersWitness, ensureIntegrityCounters } from '../../src/store/integrity/counters.js';
import { checkIntegrity } from '../../src/store/integrity/integrity-check.js';
import { migrate } from '../../src/store/migrate.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { uniqueEventId } from '../support/embedded.js';
import { storeAdapters } from '../support/stores.js';

const NOW = 1_800_000_000_000;
// PGlite runs twice: as the distributed shape's projector writes (plain) and as the embedded shape writes,
// with the integrity counters, which must then equal the tables' counts after every test.
const adapters = (await storeAdapters()).flatMap((adapter) =>
  adapter.name === 'pglite'
    ? [
        { ...adapter, counted: false },
        { ...adapter, name: 'pglite with integrity counters', counted: true },
      ]
    : [{ ...adapter, counted: false }],
);

function spec(id: string): EventSpec {
  return {
    id,
    name: `Event ${id}`,
    venue: `Venue ${id}`,
    startsAt: '2027-01-01T20:00:00.000Z',
    holdTtlSeconds: 300,
    maxPerUser: 10,
    pools: [{ id: 'ga', name: 'GA', capacity: 10, price: 1000 }],
    sections: [{ id: 'A', name: 'A', price: 5000, rows: [{ id: '1', seats: 5 }] }],
  };
}

function hold(eventId: string, userId: string, items: HoldItem[]): Hold {
  return newHold(eventId, userId, items, NOW, 300);
}

const placed = (h: Hold, idempotencyKey?: string): LogEntry => ({
  type: 'hold_placed',
  eventId: h.eventId,
  atMs: h.createdAtMs,
  hold: h,
  idempotencyKey,
  fingerprint: idempotencyKey === undefined ? undefined : `fp-${idempotencyKey}`,
});
const confirmed = (h: Hold): LogEntry => ({
  type: 'hold_confirmed',
  eventId: h.eventId,
  atMs: NOW + 1,
  hold: h,
  order: orderOf(h, NOW + 1),
});
const cancelled = (h: Hold, atMs = NOW + 4): LogEntry => ({
  type: 'order_cancelled',
  eventId: h.eventId,
  atMs,
  hold: h,
  orderId: orderOf(h, NOW + 1).id,
  confirmedAtMs: NOW + 1,
});
const released = (h: Hold): LogEntry => ({
  type: 'hold_released',
  eventId: h.eventId,
  atMs: NOW + 2,
  hold: h,
});
const expired = (h: Hold): LogEntry => ({
  type: 'hold_expired',
  eventId: h.eventId,
  atMs: NOW + 3,
  hold: h,
});

/**
 * Every column of an event's holds, orders and tickets, with bigints as numbers (drivers differ there), in
 * byte order of their ids (as JavaScript sorts them, whatever the database's collation).
 */
async function eventRows(driver: SqlDriver, eventId: string) {
  const holds = await driver.query(
    `SELECT id, event_id, user_id, status, items, quantity, total::float8 AS total,
       created_at_ms::float8 AS created_at_ms, expires_at_ms::float8 AS expires_at_ms,
       ended_at_ms::float8 AS ended_at_ms, idempotency_key, fingerprint, order_token
     FROM holds WHERE event_id = $1 ORDER BY id COLLATE "C"`,
    [eventId],
  );
  const orders = await driver.query(
    `SELECT id, hold_id, event_id, user_id, total::float8 AS total, ticket_count,
       created_at_ms::float8 AS created_at_ms FROM orders WHERE event_id = $1 ORDER BY id COLLATE "C"`,
    [eventId],
  );
  const tickets = await driver.query(
    `SELECT id, order_id, event_id, user_id, seat_id, pool_id, price::float8 AS price
     FROM tickets WHERE event_id = $1 ORDER BY id COLLATE "C"`,
    [eventId],
  );
  return { holds, orders, tickets };
}

type Fate = 'held' | 'confirmed' | 'released' | 'expired';

/** The rows a hold with this fate must leave, whatever order its entries were projected in. */
function expectedRows(held: { hold: Hold; fate: Fate; key: string | undefined }[]) {
  const sorted = [...held].sort((a, b) => (a.hold.id < b.hold.id ? -1 : 1));
  const ending = (fate: Fate) =>
    ({ held: null, confirmed: NOW + 1, released: NOW + 2, expired: NOW + 3 })[fate];
  const orders = sorted.filter((h) => h.fate === 'confirmed').map((h) => orderOf(h.hold, NOW + 1));
  return {
    holds: sorted.map(({ hold: h, fate, key }) => ({
      id: h.id,
      event_id: h.eventId,
      user_id: h.userId,
      status: fate,
      items: h.items,
      quantity: h.items.reduce((sum, item) => sum + item.quantity, 0),
      total: h.total,
      created_at_ms: h.createdAtMs,
      expires_at_ms: h.expiresAtMs,
      ended_at_ms: ending(fate),
      idempotency_key: key ?? null,
      fingerprint: key === undefined ? null : `fp-${key}`,
      order_token: h.orderToken ?? null,
    })),
    orders: orders
      .map((o) => ({
        id: o.id,
        hold_id: o.holdId,
        event_id: o.eventId,
        user_id: o.userId,
        total: o.total,
        ticket_count: o.tickets.length,
        created_at_ms: o.createdAtMs,
      }))
      // Order ids have a random part of their own: their order is not their holds' order.
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    tickets: orders
      .flatMap((o) => o.tickets)
      .map((t) => ({
        id: t.id,
        order_id: t.orderId,
        event_id: t.eventId,
        user_id: t.userId,
        seat_id: t.seatId ?? null,
        pool_id: t.poolId ?? null,
        price: t.price,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}

/** Cuts entries into consecutive batches: a batch ends after entry i when cuts[i] is true. */
function batchesOf<T>(entries: readonly T[], cuts: readonly boolean[]): T[][] {
  const batches: T[][] = [[]];
  entries.forEach((entry, i) => {
    (batches[batches.length - 1] as T[]).push(entry);
    if (cuts[i] === true && i < entries.length - 1) batches.push([]);
  });
  return batches;
}

async function tableRows(driver: SqlDriver) {
  const holds = await driver.query('SELECT id, status, ended_at_ms FROM holds ORDER BY id');
  const orders = await driver.query('SELECT id, hold_id, total FROM orders ORDER BY id');
  const tickets = await driver.query('SELECT id, seat_id, pool_id FROM tickets ORDER BY id');
  return { holds, orders, tickets };
}

describe.each(adapters)('store contract: $name', (adapter) => {
  let driver: SqlDriver;
  let store: SqlStore;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ driver, dispose } = await adapter.open());
    if (adapter.counted) await ensureIntegrityCounters(driver);
    store = new SqlStore(driver, { integrityCounters: adapter.counted });
  });
  afterEach(async () => {
    if (adapter.counted)
      expect(await checkIntegrity(driver, [countersWitness])).toEqual({
        events: expect.any(Array),
        mismatches: [],
      });
  });
  afterAll(async () => dispose());

  it('projects the waitlist in any order and any number of times: what is still in line, by seq', async () => {
    const eventId = uniqueEventId('store-waitlist');
    await store.createEvent(spec(eventId), NOW);
    const entry = (userId: string, seq: number) => ({
      id: `w.${eventId}.${userId}`,
      eventId,
      userId,
      quantity: 1,
      poolId: 'ga',
      joinedAtMs: NOW + seq,
      seq,
    });
    const [a, b, c] = [entry('a', 1), entry('b', 2), entry('c', 3)];
    const offer = hold(eventId, 'b', [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    const entries: LogEntry[] = [
      { type: 'waitlist_joined', eventId, atMs: NOW + 1, entry: a },
      { type: 'waitlist_joined', eventId, atMs: NOW + 2, entry: b },
      { type: 'waitlist_joined', eventId, atMs: NOW + 3, entry: c },
      { type: 'waitlist_left', eventId, atMs: NOW + 4, entry: a },
      { type: 'hold_placed', eventId, atMs: NOW + 5, hold: offer, offer: b },
    ];
    // Endings first, each twice, then the joins: the ended entries stay ended.
    for (const batch of [entries.slice(3), entries.slice(3), entries.slice(0, 3), entries])
      await store.appendEntries(batch);
    const snapshot = await store.loadSnapshot(NOW + 10, eventId);
    expect(snapshot.waitlist).toEqual([c]);
    const d = entry('d', 4);
    await store.appendEntries([{ type: 'waitlist_joined', eventId, atMs: NOW + 6, entry: d }]);
    expect((await store.loadSnapshot(NOW + 10, eventId)).waitlist).toEqual([c, d]);
  });

  it('runs its migrations once: a second run applies nothing', async () => {
    expect(await migrate(driver)).toBe(0);
  });

  it('runs each migration again on its own without error (processes starting together may both run one)', async () => {
    const applied = await driver.query<{ name: string }>(
      'SELECT name FROM schema_migrations ORDER BY name DESC',
    );
    expect(applied.length).toBeGreaterThan(0);
    // Newest first: each runs again on the schema the later ones left, as in a race at start.
    for (const { name } of applied) {
      await driver.query('DELETE FROM schema_migrations WHERE name = $1', [name]);
      expect(await migrate(driver), name).toBe(1);
    }
  });

  it('creates an event once', async () => {
    const id = uniqueEventId();
    expect(await store.createEvent(spec(id), NOW)).toBe(true);
    expect(await store.createEvent(spec(id), NOW)).toBe(false);
    const page = await store.listEvents(1000);
    expect(page.items.map((event) => event.id)).toContain(id);
  });

  it('projects placements and endings, including both in one batch, and answers the read side', async () => {
    const eventId = uniqueEventId();
    await store.createEvent(spec(eventId), NOW);
    const a = hold(eventId, 'u1', [{ poolId: 'ga', quantity: 2, price: 1000 }]);
    const b = hold(eventId, 'u2', [
      { seatId: 'A-1-1', quantity: 1, price: 5000 },
      { seatId: 'A-1-2', quantity: 1, price: 5000 },
    ]);
    const c = hold(eventId, 'u3', [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    const d = hold(eventId, 'u4', [{ seatId: 'A-1-3', quantity: 1, price: 5000 }]);
    await store.appendEntries([placed(a), placed(b), placed(c, 'key-c'), confirmed(b)]);
    await store.appendEntries([confirmed(a), released(c), placed(d)]);

    expect((await store.getHold(a.id))?.status).toBe('confirmed');
    expect((await store.getHold(c.id))?.status).toBe('released');
    expect(await store.getHold(d.id)).toMatchObject({
      status: 'held',
      userId: 'u4',
      expiresAtMs: d.expiresAtMs,
      items: d.items,
    });
    const order = await store.getOrder(orderOf(b, NOW).id);
    expect(order).toMatchObject({ holdId: b.id, total: 10_000, userId: 'u2' });
    // The hold keeps the random part of its order's id: read back, it names the same order.
    expect(await store.getHold(b.id)).toMatchObject({ orderId: order?.id, orderToken: b.orderToken });
    expect(order?.tickets.map((ticket) => ticket.seatId)).toEqual(['A-1-1', 'A-1-2']);
    expect(await store.getTicket(order?.tickets[0]?.id as string)).toMatchObject({
      seatId: 'A-1-1',
      price: 5000,
    });
    expect(await store.eventStats(eventId)).toEqual({
      capacity: 15,
      sold: 4,
      held: 1,
      available: 10,
      revenue: 12_000,
      orders: 2,
    });
    expect(await store.venueRevenue(`Venue ${eventId}`)).toEqual([
      expect.objectContaining({ eventId, sold: 4, orders: 2, revenue: 12_000 }),
    ]);

    const first = await store.listTickets(eventId, 3);
    expect(first.items).toHaveLength(3);
    const second = await store.listTickets(eventId, 3, first.nextCursor);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();

    const audit = await store.audit(eventId);
    expect(audit).toMatchObject({
      tickets: 4,
      orders: 2,
      heldItems: 1,
      doubleBooked: 0,
      phantom: 0,
      soldByPool: { ga: 2 },
    });

    const snapshot = await store.loadSnapshot(NOW);
    const mine = snapshot.holds.filter((h) => h.eventId === eventId);
    expect(mine.map((h) => [h.id, h.status]).sort()).toEqual(
      [
        [a.id, 'confirmed'],
        [b.id, 'confirmed'],
        [d.id, 'held'],
      ].sort(),
    );
    expect(snapshot.idempotency.filter((record) => record.eventId === eventId)).toEqual([
      { eventId, userId: 'u3', key: 'key-c', holdId: c.id, fingerprint: 'fp-key-c', createdAtMs: NOW },
    ]);
  });

  it('is idempotent: replaying the log, whole or in part, changes nothing (invariant 4)', async () => {
    const eventId = uniqueEventId();
    await store.createEvent(spec(eventId), NOW);
    const a = hold(eventId, 'u1', [{ seatId: 'A-1-4', quantity: 1, price: 5000 }]);
    const b = hold(eventId, 'u2', [{ poolId: 'ga', quantity: 3, price: 1000 }]);
    const c = hold(eventId, 'u3', [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    const log = [placed(a), placed(b), placed(c), confirmed(a), expired(b), released(c)];
    await store.appendEntries(log);
    const once = await tableRows(driver);
    await store.appendEntries(log);
    await store.appendEntries(log.slice(2));
    await store.appendEntries([log[0] as LogEntry, log[3] as LogEntry]);
    expect(await tableRows(driver)).toEqual(once);
    expect(await store.audit(eventId)).toMatchObject({
      tickets: 1,
      orders: 1,
      heldItems: 0,
      phantom: 0,
      doubleBooked: 0,
    });
  });

  it('refuses a second ticket for one seat: the whole batch fails and nothing of it stays', async () => {
    const eventId = uniqueEventId();
    await store.createEvent(spec(eventId), NOW);
    const first = hold(eventId, 'u1', [{ seatId: 'A-1-5', quantity: 1, price: 5000 }]);
    await store.appendEntries([placed(first), confirmed(first)]);
    const before = await tableRows(driver);
    const second = hold(eventId, 'u2', [{ seatId: 'A-1-5', quantity: 1, price: 5000 }]);
    const bystander = hold(eventId, 'u3', [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    await expect(
      store.appendEntries([placed(bystander), placed(second), confirmed(second)]),
    ).rejects.toThrow();
    expect(await tableRows(driver)).toEqual(before);
    expect(await store.getHold(bystander.id)).toBeUndefined();
    // The connection is usable after the failed transaction.
    await store.ping();
  });

  // PostgreSQL only: PGlite is one connection, so nothing can hold a row while another call waits.
  if (adapter.name === 'postgres')
    it('marks an event lost while a projection batch holds its row (a worker stopped mid-batch)', async () => {
      const eventId = uniqueEventId();
      await store.createEvent(spec(eventId), NOW);
      const outcome = await driver.transaction(async (tx) => {
        // What a batch in flight holds (store/epoch-fence.ts) until its worker commits.
        await tx.query('SELECT gate_epoch FROM events WHERE id = $1 FOR SHARE', [eventId]);
        const marked = store.markGateLost(eventId, 'lost while a batch held the row').then(() => 'marked');
        // A bound on a wait that must not happen: marking lost used to block here until the batch ended.
        const blocked = new Promise((resolve) => setTimeout(resolve, 5_000, 'blocked'));
        return Promise.race([marked, blocked]);
      });
      expect(outcome).toBe('marked');
      expect(await store.gateStanding(eventId)).toEqual({
        epoch: 1,
        lost: 'lost while a batch held the row',
      });
      expect(await store.beginGateEpoch(eventId)).toBe(2);
      expect(await store.gateStanding(eventId)).toEqual({ epoch: 2 });
    });

  it('refuses entries of an older gate epoch in the same transaction, naming those it does not show', async () => {
    const eventId = uniqueEventId();
    await store.createEvent(spec(eventId), NOW);
    expect(await store.gateStanding(eventId)).toEqual({ epoch: 1 });
    const inEpoch = (entry: LogEntry, epoch: number): LogEntry => ({ ...entry, epoch });
    const shown = hold(eventId, 'u1', [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    expect(await store.appendEntries([inEpoch(placed(shown), 1)])).toEqual({ refused: [] });
    await store.markGateLost(eventId, 'lost for the test');
    expect(await store.gateStanding(eventId)).toEqual({ epoch: 1, lost: 'lost for the test' });
    // A rebuild starts epoch 2 (and clears the lost flag); a batch decided in epoch 1 arrives afterwards.
    expect(await store.beginGateEpoch(eventId)).toBe(2);
    expect(await store.gateStanding(eventId)).toEqual({ epoch: 2 });
    const unknown = hold(eventId, 'u2', [{ seatId: 'A-1-1', quantity: 1, price: 5000 }]);
    const current = hold(eventId, 'u3', [{ poolId: 'ga', quantity: 2, price: 1000 }]);
    const stale = [inEpoch(placed(shown), 1), inEpoch(placed(unknown), 1), inEpoch(confirmed(shown), 1)];
    const outcome = await store.appendEntries([...stale, inEpoch(placed(current), 2)]);
    // The placement the store shows changes nothing; the others are refused and not projected.
    expect(outcome.refused).toEqual([stale[1], stale[2]]);
    expect(await store.getHold(unknown.id)).toBeUndefined();
    expect((await store.getHold(shown.id))?.status).toBe('held');
    expect((await store.getHold(current.id))?.status).toBe('held');
    expect(await store.beginGateEpoch('no-such-event')).toBeUndefined();
  });

  it('keeps API keys: created, found by id, listed by page, revoked once (the first time stays)', async () => {
    const id = `${Math.random().toString(16).slice(2, 10).padEnd(8, '0')}00000000`;
    const key = {
      id,
      name: 'backend',
      role: 'sales' as const,
      secretSha256: 'ab'.repeat(32),
      createdAtMs: NOW,
    };
    await store.createApiKey(key);
    await store.createApiKey({ ...key, id: `${id.slice(0, 8)}ffffffff`, name: 'second' });
    expect(await store.getApiKey(id)).toEqual(key);
    expect(await store.getApiKey('ffffffffffffffff')).toBeUndefined();
    const all = await store.listApiKeys(1000);
    expect(all.items.map((k) => k.id)).toContain(id);
    const first = await store.listApiKeys(1);
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toBe(first.items[0]?.id);
    expect(await store.revokeApiKey(id, NOW + 5)).toEqual({ ...key, revokedAtMs: NOW + 5 });
    expect(await store.revokeApiKey(id, NOW + 9)).toEqual({ ...key, revokedAtMs: NOW + 5 });
    expect(await store.getApiKey(id)).toEqual({ ...key, revokedAtMs: NOW + 5 });
    expect(await store.revokeApiKey('0123456789abcdef', NOW)).toBeUndefined();
  });

  it("lists a buyer's live holds and orders across events, by page", async () => {
    const buyer = `buyer-${uniqueEventId()}`;
    const [first, second] = [uniqueEventId(), uniqueEventId()];
    await store.createEvent(spec(first), NOW);
    await store.createEvent(spec(second), NOW);
    const live = hold(first, buyer, [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    const bought = hold(second, buyer, [{ poolId: 'ga', quantity: 2, price: 1000 }]);
    const dropped = hold(second, buyer, [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    const others = hold(first, `${buyer}-other`, [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    await store.appendEntries([placed(live), placed(bought), placed(dropped), placed(others)]);
    await store.appendEntries([confirmed(bought), released(dropped)]);
    const holds = await store.listBuyerHolds(buyer, NOW, 10);
    expect(holds.items.map((h) => h.id)).toEqual([live.id]);
    // Due holds are not live, even before the sweeper ends them.
    expect((await store.listBuyerHolds(buyer, NOW + 300_000, 10)).items).toEqual([]);
    const orders = await store.listBuyerOrders(buyer, 10);
    expect(orders.items).toHaveLength(1);
    expect(orders.items[0]).toMatchObject({ holdId: bought.id, userId: buyer, eventId: second });
    expect(orders.items[0]?.tickets).toHaveLength(2);
    const twoEvents = hold(first, buyer, [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    await store.appendEntries([placed(twoEvents), confirmed(twoEvents)]);
    const page = await store.listBuyerOrders(buyer, 1);
    expect(page.items).toHaveLength(1);
    const rest = await store.listBuyerOrders(buyer, 1, page.nextCursor);
    expect(new Set([...page.items, ...rest.items].map((o) => o.eventId))).toEqual(new Set([first, second]));
    expect((await store.listBuyerOrders(`${buyer}-nobody`, 10)).items).toEqual([]);
  });

  it('projects extensions and a late confirm the same in any order, batch split and replay', async () => {
    const eventId = uniqueEventId();
    await store.createEvent(spec(eventId), NOW);
    const base = hold(eventId, 'u1', [{ seatId: 'A-1-2', quantity: 1, price: 5000 }]);
    const at = (ms: number) => ({ ...base, expiresAtMs: ms });
    const first = base.expiresAtMs + 60_000;
    const second = base.expiresAtMs + 120_000;
    const extended = (from: number, to: number): LogEntry => ({
      type: 'hold_extended',
      eventId,
      atMs: NOW + 10,
      hold: at(to),
      previousExpiresAtMs: from,
    });
    const lateAt = second + 5_000;
    const order = { ...orderOf(at(second), lateAt), paymentReference: 'pi_late', late: true };
    const log: LogEntry[] = [
      placed(base),
      extended(base.expiresAtMs, first),
      extended(first, second),
      { type: 'hold_expired', eventId, atMs: second, hold: at(second) },
      { type: 'hold_confirmed', eventId, atMs: lateAt, hold: at(second), order, retaken: true },
    ];
    const orders: LogEntry[][] = [];
    for (let shift = 0; shift < log.length; shift++) {
      const rotated = [...log.slice(shift), ...log.slice(0, shift)];
      orders.push(rotated, [...rotated].reverse());
    }
    const results = [];
    for (const [index, entries] of orders.entries()) {
      // Each order on its own copy of the hold (ids differ; the order and its ticket are the same for all,
      // inserted once), entry by entry, then replayed in one batch.
      const id = `${base.id}-${index}`;
      const copy = entries.map(
        (entry) => ({ ...entry, hold: { ...(entry as HoldEntry).hold, id } }) as LogEntry,
      );
      for (const entry of copy) await store.appendEntries([entry]);
      await store.appendEntries(copy);
      const row = await store.getHold(id);
      results.push({ status: row?.status, expiresAtMs: row?.expiresAtMs });
    }
    expect(new Set(results.map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ status: 'confirmed', expiresAtMs: second })]),
    );
    // The order row keeps the payment reference and the late mark (each copy's confirmation carries it).
    expect(await store.getOrder(order.id)).toMatchObject({
      paymentReference: 'pi_late',
      late: true,
      total: 5000,
    });
  });

  it('finds nothing for unknown or malformed ids', async () => {
    expect(await store.getHold('h.nope.nope')).toBeUndefined();
    expect(await store.getOrder("o.'; DROP TABLE holds; --")).toBeUndefined();
    expect(await store.getTicket('')).toBeUndefined();
    expect(await store.eventStats('nope')).toBeUndefined();
    expect(await store.venueRevenue('nowhere')).toEqual([]);
  });
  it('cancels an order: void tickets, the seat sold again in the same batch, stats, audit and snapshot', async () => {
    const eventId = uniqueEventId();
    await store.createEvent(spec(eventId), NOW);
    const a = hold(eventId, 'u1', [{ seatId: 'A-1-1', quantity: 1, price: 5000 }]);
    const p = hold(eventId, 'u1', [{ poolId: 'ga', quantity: 2, price: 1000 }]);
    const b = hold(eventId, 'u2', [{ seatId: 'A-1-1', quantity: 1, price: 5000 }]);
    await store.appendEntries([placed(a), confirmed(a), placed(p), confirmed(p)]);
    // The cancellation frees the seat, and another buyer's ticket for it comes in the same batch.
    await store.appendEntries([cancelled(a), placed(b), confirmed(b)]);
    // Replayed, and a later second cancellation: the first one stays.
    await store.appendEntries([cancelled(a, NOW + 9)]);
    const order = await store.getOrder(orderOf(a, NOW + 1).id);
    expect(order).toMatchObject({ status: 'cancelled', cancelledAtMs: NOW + 4, total: 5000 });
    expect(order?.tickets.map((ticket) => ticket.voided)).toEqual([true]);
    expect((await store.getOrder(orderOf(b, NOW + 1).id))?.status).toBeUndefined();
    expect((await store.getHold(a.id))?.status).toBe('confirmed');
    expect(await store.eventStats(eventId)).toMatchObject({ sold: 3, revenue: 7000, orders: 2, held: 0 });
    const revenue = await store.venueRevenue(`Venue ${eventId}`);
    expect(revenue[0]).toMatchObject({ sold: 3, orders: 2, revenue: 7000 });
    expect((await store.listTickets(eventId, 10)).items.map((ticket) => ticket.orderId).sort()).toEqual(
      [orderOf(b, NOW + 1).id, orderOf(p, NOW + 1).id, orderOf(p, NOW + 1).id].sort(),
    );
    expect(await store.audit(eventId)).toMatchObject({ tickets: 3, orders: 2, doubleBooked: 0, phantom: 0 });
    expect((await store.audit(eventId)).soldByPool.ga).toBe(2);
    const snapshot = await store.loadSnapshot(NOW, eventId);
    expect(snapshot.holds.map((h) => h.id).sort()).toEqual([b.id, p.id].sort());
    expect(snapshot.cancelledOrders).toEqual([
      { eventId, orderId: orderOf(a, NOW + 1).id, cancelledAtMs: NOW + 4 },
    ]);
  });

  it('projects a cancellation that arrives before the confirmation (several workers, one stream)', async () => {
    const eventId = uniqueEventId();
    await store.createEvent(spec(eventId), NOW);
    const a = hold(eventId, 'u1', [{ poolId: 'ga', quantity: 3, price: 1000 }]);
    await store.appendEntries([cancelled(a)]);
    await store.appendEntries([confirmed(a), placed(a)]);
    const order = await store.getOrder(orderOf(a, NOW + 1).id);
    expect(order).toMatchObject({ status: 'cancelled', cancelledAtMs: NOW + 4, createdAtMs: NOW + 1 });
    expect(order?.tickets.every((ticket) => ticket.voided === true)).toBe(true);
    expect((await store.getHold(a.id))?.status).toBe('confirmed');
    expect(await store.eventStats(eventId)).toMatchObject({ sold: 0, revenue: 0, orders: 0 });
    expect(await store.audit(eventId)).toMatchObject({ tickets: 0, orders: 0, phantom: 0 });
  });

  it('projects a hold the same whichever of its entries arrives first (several workers, one stream)', async () => {
    const eventId = uniqueEventId();
    await store.createEvent(spec(eventId), NOW);
    const a = hold(eventId, 'u1', [{ seatId: 'A-1-1', quantity: 1, price: 5000 }]);
    const b = hold(eventId, 'u2', [{ poolId: 'ga', quantity: 2, price: 1000 }]);
    const c = hold(eventId, 'u3', [{ poolId: 'ga', quantity: 1, price: 1000 }]);
    // The ending commits first: it inserts the hold with its final status and, for a confirmation, the order.
    await store.appendEntries([confirmed(a), released(b), expired(c)]);
    expect((await store.getHold(a.id))?.status).toBe('confirmed');
    expect((await store.getOrder(orderOf(a, NOW).id))?.tickets).toHaveLength(1);
    // The placements come later and move nothing back; b's idempotency key is filled in.
    await store.appendEntries([placed(a), placed(b, 'key-b'), placed(c)]);
    expect(await eventRows(driver, eventId)).toEqual(
      expectedRows([
        { hold: a, fate: 'confirmed', key: undefined },
        { hold: b, fate: 'released', key: 'key-b' },
        { hold: c, fate: 'expired', key: undefined },
      ]),
    );
    expect(await store.audit(eventId)).toMatchObject({ tickets: 1, orders: 1, heldItems: 0, phantom: 0 });
  });

  it('gives the same rows for any permutation, batch split and replay of the log (property)', async () => {
    const fate = fc.constantFrom<Fate>('held', 'confirmed', 'released', 'expired');
    const holdSpec = fc.record({
      fate,
      seat: fc.boolean(),
      quantity: fc.integer({ min: 1, max: 3 }),
      key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
    });
    const scenario = fc.array(holdSpec, { minLength: 1, maxLength: 4 }).chain((holds) => {
      const entries = holds.length * 2;
      return fc.record({
        holds: fc.constant(holds),
        // Sort keys give a permutation; repeats replay entries; cuts split the log into batches.
        order: fc.array(fc.double({ noNaN: true }), { minLength: entries * 2, maxLength: entries * 2 }),
        repeats: fc.array(fc.boolean(), { minLength: entries, maxLength: entries }),
        cuts: fc.array(fc.boolean(), { minLength: entries * 2, maxLength: entries * 2 }),
      });
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ holds, order, repeats, cuts }) => {
        const eventId = uniqueEventId('prop');
        await store.createEvent(spec(eventId), NOW);
        const fated = holds.map((h, i) => ({
          hold: hold(
            eventId,
            `u${i}`,
            h.seat
              ? [{ seatId: `A-1-${i + 1}`, quantity: 1, price: 5000 }]
              : [{ poolId: 'ga', quantity: h.quantity, price: 1000 }],
          ),
          fate: h.fate,
          key: h.key === undefined ? undefined : `${h.key}-${i}`,
        }));
        const endingOf = { confirmed, released, expired } as const;
        const log = fated.flatMap(({ hold: h, fate: f, key: k }) =>
          f === 'held' ? [placed(h, k)] : [placed(h, k), endingOf[f](h)],
        );
        const replayed = [...log, ...log.filter((_, i) => repeats[i] === true)];
        const shuffled = replayed
          .map((entry, i) => ({ entry, sortKey: order[i] ?? 0 }))
          .sort((x, y) => x.sortKey - y.sortKey)
          .map((x) => x.entry);
        for (const batch of batchesOf(shuffled, cuts)) await store.appendEntries(batch);
        const expected = expectedRows(fated);
        expect(await eventRows(driver, eventId)).toEqual(expected);
        // Replaying the whole log again, backwards in one batch, changes nothing.
        await store.appendEntries([...log].reverse());
        expect(await eventRows(driver, eventId)).toEqual(expected);
        if (adapter.counted) {
          expect(await checkIntegrity(driver, [countersWitness])).toEqual({
            events: expect.any(Array),
            mismatches: [],
          });
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) },
    );
  });
});
