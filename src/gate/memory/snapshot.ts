// Rebuilds the memory gate from what the store kept (domain/snapshot.ts).

import type { LogEntry } from '../../domain/log-entry.js';
import { orderOf } from '../../domain/order.js';
import type { GateSnapshot } from '../../domain/snapshot.js';
import type { EventSpec, Hold } from '../../domain/types.js';
import type { EventBook } from './event-book.js';

interface RestoreTarget {
  addEvent(spec: EventSpec): void;
  apply(entry: LogEntry): void;
  book(eventId: string): EventBook | undefined;
}

export function restoreSnapshot(snapshot: GateSnapshot, target: RestoreTarget): void {
  for (const spec of snapshot.events) target.addEvent(spec);
  for (const record of snapshot.idempotency) {
    // Oldest first, through the same bounds as when the keys were first remembered.
    target.book(record.eventId)?.idempotency.remember(record.userId, record.key, {
      holdId: record.holdId,
      fingerprint: record.fingerprint,
      placedAtMs: record.createdAtMs,
    });
  }
  for (const eventId of snapshot.closedEvents ?? []) {
    const book = target.book(eventId);
    if (book !== undefined) book.salesOpen = false;
  }
  for (const entry of snapshot.waitlist ?? [])
    target.apply({ type: 'waitlist_joined', eventId: entry.eventId, atMs: entry.joinedAtMs, entry });
  for (const record of snapshot.cancelledOrders ?? [])
    target.book(record.eventId)?.cancelledOrders.set(record.orderId, record.cancelledAtMs);
  for (const stored of snapshot.holds) {
    // Replays the hold's own entries, so the restored state is the same fold of the log as before the stop.
    const hold: Hold = { ...stored, status: 'held', orderId: undefined };
    const { eventId, createdAtMs: atMs } = hold;
    target.apply({ type: 'hold_placed', eventId, atMs, hold });
    if (stored.status === 'confirmed') {
      const order = orderOf(hold, atMs);
      target.apply({
        type: 'hold_confirmed',
        eventId,
        atMs,
        hold,
        order,
      });
    }
  }
}
