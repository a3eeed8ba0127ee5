// Log entries and a store for the webhook tests.
import type { LogEntry } from '../../src/domain/log-entry.js';
import { orderOf } from '../../src/domain/order.js';
import type { Hold } from '../../src/domain/types.js';
import { migrate } from '../../src/store/migrate.js';
import { PgliteDriver } from '../../src/store/pglite/pglite-driver.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { SecretBox } from '../../src/webhooks/secret-box.js';
import { freshDataDir } from '../support/embedded.js';

export const T0 = Date.parse('2026-05-01T10:00:00Z');

export function holdOf(eventId: string, n: number): Hold {
  return {
    id: `h.${eventId}.${n}`,
    eventId,
    userId: `user-${n}`,
    status: 'held',
    items: [{ poolId: 'ga', quantity: 2, price: 50 }],
    total: 100,
    createdAtMs: T0,
    expiresAtMs: T0 + 600_000,
    orderToken: `tok${n}`,
  };
}

export function confirmed(hold: Hold): LogEntry {
  return {
    type: 'hold_confirmed',
    eventId: hold.eventId,
    atMs: T0 + 1000,
    hold,
    order: orderOf(hold, T0 + 1000),
  };
}

export function expired(hold: Hold): LogEntry {
  return { type: 'hold_expired', eventId: hold.eventId, atMs: T0 + 600_000, hold };
}

export function released(hold: Hold): LogEntry {
  return { type: 'hold_released', eventId: hold.eventId, atMs: T0 + 2000, hold };
}

export function cancelled(hold: Hold): LogEntry {
  const order = orderOf(hold, T0 + 1000);
  return {
    type: 'order_cancelled',
    eventId: hold.eventId,
    atMs: T0 + 5000,
    hold,
    orderId: order.id,
    confirmedAtMs: T0 + 1000,
  };
}

export function placed(hold: Hold): LogEntry {
  return { type: 'hold_placed', eventId: hold.eventId, atMs: T0, hold };
}

export const TEST_BOX = new SecretBox(Buffer.alloc(32, 7));

/** A migrated PGlite store in a copy of the template data dir. */
export async function pgliteStore(): Promise<{ driver: SqlDriver; dispose: () => Promise<void> }> {
  const { dataDir, remove } = freshDataDir();
  const driver = await PgliteDriver.open(dataDir);
  await migrate(driver);
  return {
    driver,
    async dispose() {
      await driver.close();
      remove();
    },
  };
}
