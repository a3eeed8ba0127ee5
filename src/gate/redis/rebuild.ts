// Rebuilds an event's gate state in Redis from the system of record: first the unprojected tail of the
// event's log is projected into the store (idempotent), so the store holds every accepted change; then the
// store's snapshot of the event is folded exactly as the memory gate folds it, and loaded in one script.
// Every rebuild starts a new gate epoch in the store before it reads the snapshot (store/epoch-fence.ts).
// Used when Redis has lost some of an event's keys and by `boxoffice reconcile`; when Redis lost the event
// whole, it is marked lost instead (see rebuildEvent).
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';
import { isHoldEntry } from '../../domain/log-entry.js';
import { SEAT_BYTE_AVAILABLE, SEAT_BYTE_HELD, SEAT_BYTE_SOLD } from '../../domain/seat-bytes.js';
import type { GateSnapshot } from '../../domain/snapshot.js';
import type { EventSpec, Hold } from '../../domain/types.js';
import { PROJECTION_GROUP } from '../../log/log.js';
import { COUNT_FIELDS, countField } from '../../log/redis/encoding.js';
import { RedisLog } from '../../log/redis/redis-log.js';
import type { Store } from '../../store/store.js';
import { fromStore } from '../../store/unavailable.js';
import { EventBook, SEAT_HELD, SEAT_SOLD } from '../memory/event-book.js';
import type { IdempotencyLimits } from '../memory/idempotency-book.js';
import { restoreSnapshot } from '../memory/snapshot.js';
import { EVENTS_KEY, type EventKeys, eventKeys } from './keys.js';
import { type EventLayout, layoutOf } from './layout.js';
import { loadEventArgs } from './script-args.js';
import type { GateScripts, RedisClient } from './scripts.js';
import { restoreWaitlist } from './waitlist-rebuild.js';

/** How long a rebuild may hold its lock; other instances wait for it at most this long. */
const REBUILD_LOCK_MS = 30_000;
const WAIT_STEP_MS = 50;
/** Rounds of "wait for the other instance, then look again": the other may have found the event lost. */
const REBUILD_ATTEMPTS_MAX = 3;
/** The epoch of an event created in the gate: the store's default for a new event (migration 004). */
export const FIRST_GATE_EPOCH = 1;

/**
 * `lost`: Redis lost the event's state while the store knows the event (see rebuildEvent); nothing was
 * loaded, the store's lost flag is set, and only a forced rebuild (reconcile) loads it again.
 */
export type RebuildResult = 'rebuilt' | 'present' | 'unknown' | 'lost';

export interface RebuildOptions {
  readonly redis: RedisClient;
  readonly scripts: GateScripts;
  readonly store: Store;
  readonly nowMs: number;
  /** Reload even when the keys are there, or lost (reconcile): decisions pause while the event is reloaded. */
  readonly force?: boolean;
  /** The bounds of the gate's idempotency records; the folded records are kept within them. */
  readonly idempotencyLimits?: IdempotencyLimits;
  /** How long a rebuild may hold its lock, and others wait for it (default REBUILD_LOCK_MS; tests shorten it). */
  readonly lockMs?: number;
}

/**
 * Another instance holds the event's rebuild lock and has not finished within it (it may have died holding
 * it): nothing was decided here, and the request can be retried once the lock runs out.
 */
function rebuildUnfinished(): DomainError {
  return new DomainError(
    'gate_unavailable',
    'Another instance is rebuilding this event and has not finished; nothing was changed. Retry shortly.',
  );
}

/**
 * When may an event be rebuilt without an operator? Its counts hash carries the `epoch` field from the
 * moment create-event or load-event wrote the event into this Redis. Keys missing while that marker is there
 * mean some keys went (deleted by hand, say) while the log stream lived on: its unprojected tail is read,
 * so nothing acknowledged is lost, and the rebuild goes ahead. The marker missing while the store knows the
 * event means Redis lost the event whole (a restart without persistence, a flush, a failover to an empty
 * replica): the log's tail went with it, and nothing here can tell whether it held acknowledged decisions
 * the store lacks. Rebuilding then would sell their seats again and hide the loss, so the event is marked
 * lost in the store instead; its sales stop (`event_needs_reconcile`) and the audit says so until
 * `boxoffice reconcile` rebuilds it on purpose.
 */
export async function rebuildEvent(eventId: string, options: RebuildOptions): Promise<RebuildResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await rebuildOnce(eventId, options);
    if (result !== 'retry') return result;
    if (attempt >= REBUILD_ATTEMPTS_MAX) throw rebuildUnfinished();
  }
}

async function rebuildOnce(eventId: string, options: RebuildOptions): Promise<RebuildResult | 'retry'> {
  const { redis, store } = options;
  const keys = eventKeys(eventId);
  // The common case, at every start: the event is there; no lock needed to see that.
  if (!options.force && (await redis.exists(keys.spec)) === 1) return 'present';
  const token = randomBytes(12).toString('base64url');
  const lockMs = options.lockMs ?? REBUILD_LOCK_MS;
  const locked = await redis.set(keys.rebuildLock, token, 'PX', lockMs, 'NX');
  if (locked === null) return waitForOtherRebuild(redis, keys, lockMs);
  try {
    if (options.force) {
      // Without its definition every script of the event answers 'missing', and callers wait for this lock.
      await redis.del(keys.spec);
    } else {
      if ((await redis.exists(keys.spec)) === 1) return 'present';
      const lost = await lostState(eventId, options);
      if (lost !== undefined) return lost;
    }
    // What the projectors have not acknowledged, read through the log port: the store may lack it.
    const tail = await new RedisLog({ redis }).unacknowledged(PROJECTION_GROUP, eventId);
    // Projected under the epoch the tail was written in, before the new one starts.
    if (tail.length > 0) await fromStore(() => store.appendEntries(tail));
    // From here on, batches of the old epoch are refused; those committed before are in the snapshot.
    const epoch = await fromStore(() => store.beginGateEpoch(eventId));
    if (epoch === undefined) return 'unknown';
    const snapshot = await fromStore(() => store.loadSnapshot(options.nowMs, eventId));
    const spec = snapshot.events[0];
    if (spec === undefined) return 'unknown';
    await load(options, keys, spec, snapshot, epoch);
    await redis.sadd(EVENTS_KEY, eventId);
    return 'rebuilt';
  } finally {
    // Only our own lock: a rebuild that outlived its lock must not free another's.
    if ((await redis.get(keys.rebuildLock)) === token) await redis.del(keys.rebuildLock);
  }
}

/** 'unknown' or 'lost' when the event must not be rebuilt now; undefined when it may (see rebuildEvent). */
async function lostState(eventId: string, options: RebuildOptions): Promise<RebuildResult | undefined> {
  const standing = await fromStore(() => options.store.gateStanding(eventId));
  if (standing === undefined) return 'unknown';
  if (standing.lost !== undefined) return 'lost';
  const marker = await options.redis.hget(eventKeys(eventId).counts, COUNT_FIELDS.epoch);
  if (marker !== null) return undefined;
  const reason =
    `Redis lost the gate state of epoch ${standing.epoch} (the event's keys and their marker are gone, ` +
    `found at ${new Date(options.nowMs).toISOString()}); decisions it acknowledged that were not yet ` +
    'projected are gone with it. Sales are stopped until `boxoffice reconcile`.';
  await fromStore(() => options.store.markGateLost(eventId, reason));
  return 'lost';
}

async function load(
  options: RebuildOptions,
  keys: EventKeys,
  spec: EventSpec,
  snapshot: GateSnapshot,
  epoch: number,
): Promise<void> {
  const layout = layoutOf(spec);
  const state = foldSnapshot(layout, snapshot, options.nowMs, options.idempotencyLimits);
  const waitlist = (snapshot.waitlist ?? []).filter((entry) => entry.eventId === spec.id);
  await restoreWaitlist(options.redis, keys, waitlist);
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
      keys.idempotency,
      keys.idempotencyAge,
      keys.idempotencyByBuyer,
      keys.cancelled,
    ],
    loadEventArgs(spec, state, epoch),
  );
}

/** 'present' once the other instance has loaded the event; 'retry' when it let go without loading it. */
async function waitForOtherRebuild(
  redis: RedisClient,
  keys: EventKeys,
  lockMs: number,
): Promise<RebuildResult | 'retry'> {
  const deadline = Date.now() + lockMs;
  while (Date.now() < deadline) {
    if ((await redis.exists(keys.spec)) === 1) return 'present';
    if ((await redis.exists(keys.rebuildLock)) === 0) return 'retry';
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
  throw rebuildUnfinished();
}

export interface FoldedState {
  readonly seatMap: string;
  readonly counts: Record<string, number>;
  readonly users: Record<string, number>;
  /** [hold id, hold json, seat offsets, expiry]. */
  readonly holds: [string, string, string, number][];
  /** [buyer, key, hold id, fingerprint, placed at ms], oldest first, within the bounds. */
  readonly idempotency: [string, string, string, string, number][];
  /** Order id → when it was cancelled. */
  readonly cancelled: Record<string, number>;
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
      if (!isHoldEntry(entry)) return;
      if (entry.type === 'hold_placed') live.set(entry.hold.id, entry.hold);
      else if (entry.type !== 'order_cancelled') live.delete(entry.hold.id);
    },
  });
  const bytes = Buffer.alloc(layout.seatCount, SEAT_BYTE_AVAILABLE);
  for (let i = 0; i < layout.seatCount; i++) {
    if (book.seatState[i] === SEAT_HELD) bytes[i] = SEAT_BYTE_HELD;
    else if (book.seatState[i] === SEAT_SOLD) bytes[i] = SEAT_BYTE_SOLD;
  }
  const counts: Record<string, number> = {};
  for (const [id, pool] of book.pools) {
    counts[countField('pool', id, 'held')] = pool.held;
    counts[countField('pool', id, 'sold')] = pool.sold;
  }
  for (const [id, section] of book.sections) {
    counts[countField('section', id, 'held')] = section.counts.held;
    counts[countField('section', id, 'sold')] = section.counts.sold;
  }
  // Written as a count (load-event-12.lua writes every field that is not 0), read by place-11.lua.
  if (!book.salesOpen) counts[COUNT_FIELDS.closed] = 1;
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
    cancelled: Object.fromEntries(book.cancelledOrders),
  };
}
