// The store contract, run against every adapter (PGlite and PostgreSQL) with the same migrations and queries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newHold } from '../../src/domain/hold.js';
import type { LogEntry } from '../../src/domain/log-entry.js';
import { orderOf } from '../../src/domain/order.js';
import type { EventSpec, Hold, HoldItem } from '../../src/domain/types.js';
import { migrate } from '../../src/store/migrate.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { uniqueEventId } from '../support/embedded.js';
import { storeAdapters } from '../support/stores.js';

const NOW = 1_800_000_000_000;
const adapters = await storeAdapters();

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
    store = new SqlStore(driver);
  });
  afterAll(async () => dispose());

  it('runs its migrations once: a second run applies nothing', async () => {
    expect(await migrate(driver)).toBe(0);
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
      { eventId, key: 'key-c', holdId: c.id, fingerprint: 'fp-key-c', createdAtMs: NOW },
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

  it('finds nothing for unknown or malformed ids', async () => {
    expect(await store.getHold('h.nope.nope')).toBeUndefined();
    expect(await store.getOrder("o.'; DROP TABLE holds; --")).toBeUndefined();
    expect(await store.getTicket('')).toBeUndefined();
    expect(await store.eventStats('nope')).toBeUndefined();
    expect(await store.venueRevenue('nowhere')).toEqual([]);
  });
});
