// Rebuilds an event's gate state in Redis from the system of record: first the unprojected tail of the
// event's log is projected into the store (idempotent), so the store holds every accepted change; then the
// store's snapshot of the event is folded exactly as the memory gate folds it, and loaded in one script.
// Used when Redis has lost an event's keys (a restart without AOF, a failover) and by `boxoffice reconcile`.
import { randomBytes } from 'node:crypto';
import type { GateSnapshot } from '../../domain/snapshot.js';
import type { Hold } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import { EventBook, SEAT_HELD, SEAT_SOLD } from '../memory/event-book.js';
import type { IdempotencyLimits } from '../memory/idempotency-book.js';
import { restoreSnapshot } from '../memory/snapshot.js';
import { EVENTS_KEY, eventKeys, idempotencyKeysOf } from './keys.js';
import { type EventLayout, layoutOf } from './layout.js';
import { readTail } from './log-tail.js';
import type { GateScripts, RedisClient } from './scripts.js';

/** How long a rebuild may hold its lock; other instances wait for it at most this long. */
const REBUILD_LOCK_MS = 30_000;
const WAIT_STEP_MS = 50;

export type RebuildResult = 'rebuilt' | 'present' | 'unknown';

export interface RebuildOptions {
  readonly redis: RedisClient;
  readonly scripts: GateScripts;
  readonly store: Store;
  readonly nowMs: number;
  /** Reload even when the keys are there (reconcile): decisions pause while the event is reloaded. */
  readonly force?: boolean;
  /** The bounds of the gate's idempotency records; the folded records are kept within them. */
  readonly idempotencyLimits?: IdempotencyLimits;
}

export async function rebuildEvent(eventId: string, options: RebuildOptions): Promise<RebuildResult> {
  const { redis } = options;
  const keys = eventKeys(eventId);
  // The common case, at every start: the event is there; no lock needed to see that.
  if (!options.force && (await redis.exists(keys.spec)) === 1) return 'present';
  const token = randomBytes(12).toString('base64url');
  const locked = await redis.set(keys.rebuildLock, token, 'PX', REBUILD_LOCK_MS, 'NX');
  if (locked === null) return waitForOtherRebuild(redis, keys.spec);
  try {
    if (options.force) {
      // Without its definition every script of the event answers 'missing', and callers wait for this lock.
      await redis.del(keys.spec);
    } else if ((await redis.exists(keys.spec)) === 1) {
      return 'present';
    }
    const tail = await readTail(redis, eventId);
    if (tail.length > 0) await options.store.appendEntries(tail);
    const snapshot = await options.store.loadSnapshot(options.nowMs, eventId);
    const spec = snapshot.events[0];
    if (spec === undefined) return 'unknown';
    const layout = layoutOf(spec);
    const state = foldSnapshot(layout, snapshot, options.nowMs, options.idempotencyLimits);
    await options.scripts.loadEvent(
      [
        keys.spec,
        keys.seats,
        keys.counts,
        keys.holds,
        keys.expiry,
        keys.users,
        keys.log,
        keys.ended,
        ...idempotencyKeysOf(eventId),
      ],
      [
        JSON.stringify(spec),
        state.seatMap,
        JSON.stringify(state.counts),
        JSON.stringify(state.users),
        JSON.stringify(state.holds),
        JSON.stringify(state.idempotency),
      ],
    );
    await redis.sadd(EVENTS_KEY, eventId);
    return 'rebuilt';
  } finally {
    // Only our own lock: a rebuild that outlived its lock must not free another's.
    if ((await redis.get(keys.rebuildLock)) === token) await redis.del(keys.rebuildLock);
  }
}

async function waitForOtherRebuild(redis: RedisClient, specKey: string): Promise<RebuildResult> {
  const deadline = Date.now() + REBUILD_LOCK_MS;
  while (Date.now() < deadline) {
    if ((await redis.exists(specKey)) === 1) return 'present';
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
  throw new Error('Another instance is rebuilding this event and has not finished.');
}

interface FoldedState {
  readonly seatMap: string;
  readonly counts: Record<string, number>;
  readonly users: Record<string, number>;
  /** [hold id, hold json, seat offsets, expiry]. */
  readonly holds: [string, string, string, number][];
  /** [buyer, key, hold id, fingerprint, placed at ms], oldest first, within the bounds. */
  readonly idempotency: [string, string, string, string, number][];
}

/** The event's state as the memory gate would hold it after replaying the snapshot, in Redis's encoding. */
export function foldSnapshot(
  layout: EventLayout,
  snapshot: GateSnapshot,
  nowMs: number,
  idempotencyLimits?: IdempotencyLimits,
): FoldedState {
  const book = new EventBook(layout.spec, idempotencyLimits);
  const live = new Map<string, Hold>();
  restoreSnapshot(snapshot, {
    addEvent: () => {},
    book: () => book,
    apply: (entry) => {
      book.apply(entry);
      if (entry.type === 'hold_placed') live.set(entry.hold.id, entry.hold);
      else live.delete(entry.hold.id);
    },
  });
  const bytes = Buffer.alloc(layout.seatCount, '0');
  for (let i = 0; i < layout.seatCount; i++) {
    if (book.seatState[i] === SEAT_HELD) bytes[i] = 0x68;
    else if (book.seatState[i] === SEAT_SOLD) bytes[i] = 0x73;
  }
  const counts: Record<string, number> = {};
  for (const [id, pool] of book.pools) {
    counts[`p:${id}:held`] = pool.held;
    counts[`p:${id}:sold`] = pool.sold;
  }
  for (const [id, section] of book.sections) {
    counts[`s:${id}:held`] = section.counts.held;
    counts[`s:${id}:sold`] = section.counts.sold;
  }
  const holds: FoldedState['holds'] = [];
  for (const hold of live.values()) {
    const offsets = hold.items.flatMap((item) =>
      item.seatId === undefined ? [] : [layout.seatOffsets.get(item.seatId) as number],
    );
    const json = JSON.stringify({ ...hold, status: 'held', orderId: undefined });
    holds.push([hold.id, json, offsets.join(','), hold.expiresAtMs]);
  }
  const idempotency: FoldedState['idempotency'] = [];
  for (const [buyer, key, record] of book.idempotency.records(nowMs))
    idempotency.push([buyer, key, record.holdId, record.fingerprint, record.placedAtMs]);
  return {
    seatMap: bytes.toString('latin1'),
    counts,
    users: Object.fromEntries(book.itemsByUser),
    holds,
    idempotency,
  };
}
