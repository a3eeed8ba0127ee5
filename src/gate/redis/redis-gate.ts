// The gate of the distributed shape: every decision is one Lua script on keys that share the event's hash
// tag, so it is atomic on one Redis (or one shard of a cluster) and costs one round trip. The script also
// XADDs the decided entries to the event's log stream, so an accepted change is as durable as Redis's AOF:
// `durable` is settled before the reply. Time comes from Redis unless the caller's clock is to be used.
import type { Redis } from 'ioredis';
import { DomainError, type ErrorCode, type Rejection, reject, stockTaken } from '../../domain/errors.js';
import { maxHoldSecondsOf } from '../../domain/event-spec.js';
import { fingerprintOf, type HoldTarget, targetOf } from '../../domain/hold-request.js';
import { eventIdOf, newHoldId as newHoldIdFor, newOrderToken, orderIdOf } from '../../domain/ids.js';
import { LATE_CONFIRM_MEMORY_MS, WAITLIST_ENTRIES_PER_EVENT_MAX } from '../../domain/limits.js';
import type { LogEntry } from '../../domain/log-entry.js';
import { orderOf } from '../../domain/order.js';
import type { EventSpec, EventState, Hold, Order, SeatState, SeatStatus } from '../../domain/types.js';
import {
  checkWaitlistRequest,
  lineOf,
  type WaitlistEntry,
  type WaitlistSpot,
} from '../../domain/waitlist.js';
import type { Store } from '../../store/store.js';
import type {
  CancelCommand,
  Cancelled,
  Confirmed,
  EventUpdate,
  Extended,
  Gate,
  JoinWaitlistCommand,
  Payment,
  PlaceCommand,
  PlaceOutcome,
  Released,
  SeatMap,
  Swept,
  WaitlistJoined,
  WaitlistLeft,
} from '../gate.js';
import { IDEMPOTENCY_LIMITS, type IdempotencyLimits } from '../memory/idempotency-book.js';
import { EVENTS_KEY, eventKeys, idempotencyKeysOf, RESTOCK_CHANNEL } from './keys.js';
import { type EventLayout, layoutOf } from './layout.js';
import { normaliseHold, withPaymentOf } from './log-stream.js';
import { decodeRows, tailStart } from './log-tail.js';
import { countsOf, stateOf } from './read-model.js';
import { FIRST_GATE_EPOCH, type RebuildResult, rebuildEvent } from './rebuild.js';
import { defineScripts, type GateScripts, type RedisClient, type ScriptArg } from './scripts.js';
import { SoldOutCache } from './sold-out-cache.js';

/**
 * An event id the store did not know is not asked about again for this long: requests naming made-up
 * events must not each cost a rebuild attempt (several Redis calls and queries). An event created on
 * another instance meanwhile is found after at most this long.
 */
const UNKNOWN_EVENT_TTL_MS = 1_000;
/** Bound of that memory of unknown ids, oldest forgotten first. */
const UNKNOWN_EVENTS_MAX = 10_000;
/**
 * An event found lost (Redis lost its state, rebuild.ts) is refused without asking Redis and the store again
 * for this long: a sale's worth of requests must not each cost a look-up. A reconcile on another instance
 * is noticed after at most this long.
 */
const LOST_EVENT_TTL_MS = 1_000;
/** Due holds one sweep call expires per event; a larger backlog takes several calls of the same sweep. */
const SWEEP_BATCH = 500;
/** Longest an event goes unswept by this instance when nothing it knows of is due (see #nextSweepOf). */
const SWEEP_RECHECK_MS = 10_000;
/**
 * Seat maps remembered per instance, oldest forgotten first: at most 200 KB each (200,000 seats), so at most
 * ~50 MB, and more events than this are seldom watched at once. A forgotten one costs one full read.
 */
const SEAT_MAPS_CACHED_MAX = 256;
const ALREADY_RESOLVED = Promise.resolve();

export interface RedisGateOptions {
  readonly redis: RedisClient;
  /** The system of record: an event whose keys Redis has lost is rebuilt from it (see rebuild.ts). */
  readonly store?: Store;
  /** true: decisions use the time of the command (tests with a manual clock); false: Redis's TIME. */
  readonly useCommandTime?: boolean;
  /** Reject sold-out pools and sections locally (needs `subscriber` to hear restocks). */
  readonly soldOutCache?: boolean;
  /** A connection of its own for pub/sub (a subscribed connection can send nothing else). */
  readonly subscriber?: Redis;
  /** The bounds of remembered Idempotency-Keys; tests shrink them to see them act. */
  readonly idempotencyLimits?: IdempotencyLimits;
}

type Reply = readonly (string | number | null)[];

export class RedisGate implements Gate {
  readonly #redis: RedisClient;
  readonly #scripts: GateScripts;
  readonly #layouts = new Map<string, EventLayout>();
  /** The last seat map read per event: readers of one version share it (see seatMap()). */
  readonly #seatMaps = new Map<string, SeatMap>();
  readonly #scriptKeys = new Map<string, readonly string[]>();
  /** Event id → the change counter (`specv`) of the definition this instance's layout holds; absent: 0. */
  readonly #specVersions = new Map<string, number>();
  /** Event id → until when the store is not asked about it again (see UNKNOWN_EVENT_TTL_MS). */
  readonly #unknown = new Map<string, number>();
  /** Event id → until when it is refused as lost without asking again (see LOST_EVENT_TTL_MS). */
  readonly #lost = new Map<string, number>();
  /** Event id → when this instance next sweeps it, in Redis's time (or the commands' time in tests). */
  readonly #nextSweepMs = new Map<string, number>();
  /** Redis's clock minus this process's, as of the last sweep. */
  #redisClockOffsetMs = 0;
  readonly #store: Store | undefined;
  readonly #useCommandTime: boolean;
  readonly #soldOut: SoldOutCache | undefined;
  readonly #idempotencyLimits: IdempotencyLimits;

  constructor(options: RedisGateOptions) {
    this.#redis = options.redis;
    this.#scripts = defineScripts(options.redis);
    this.#store = options.store;
    this.#useCommandTime = options.useCommandTime ?? false;
    this.#idempotencyLimits = options.idempotencyLimits ?? IDEMPOTENCY_LIMITS;
    if (options.soldOutCache === true && options.subscriber !== undefined) {
      const cache = new SoldOutCache();
      this.#soldOut = cache;
      listenForRestocks(options.subscriber, cache);
    }
  }

  async createEvent(spec: EventSpec): Promise<boolean> {
    const layout = layoutOf(spec);
    const created = await this.#scripts.createEvent(this.#keys(spec.id), [
      JSON.stringify(spec),
      layout.seatCount,
      FIRST_GATE_EPOCH,
    ]);
    await this.#redis.sadd(EVENTS_KEY, spec.id);
    this.#unknown.delete(spec.id);
    if (created === 1) this.#layouts.set(spec.id, layout);
    return created === 1;
  }

  async placeHold(command: PlaceCommand): Promise<PlaceOutcome> {
    const { eventId, request, idempotencyKey } = command;
    const layout = await this.#layout(eventId);
    if (layout === undefined) return reject('event_not_found');
    const target = targetOf(request, layout.spec);
    if (!('kind' in target)) return target;
    const shortCircuit = this.#soldOut !== undefined && idempotencyKey === undefined;
    if (shortCircuit && this.#soldOut?.isSoldOut(eventId, targetKey(target))) return reject('sold_out');
    const fingerprint =
      idempotencyKey === undefined ? '' : fingerprintOf(request, command.confirm ? 'order' : 'hold');
    const limits = this.#idempotencyLimits;
    const args: ScriptArg[] = [
      this.#time(command.nowMs),
      newHoldIdFor(eventId),
      newOrderToken(),
      eventId,
      request.userId,
      layout.spec.holdTtlSeconds * 1000,
      layout.spec.maxPerUser,
      command.confirm ? 1 : 0,
      idempotencyKey ?? '',
      fingerprint,
      limits.retentionMs,
      limits.keysPerBuyer,
      limits.keysPerEvent,
      ...targetArgs(layout, target),
    ];
    const keys = [...this.#keys(eventId), ...idempotencyKeysOf(eventId)];
    const reply = await this.#run('place', eventId, keys, args);
    if (reply === undefined) return reject('event_not_found');
    switch (reply[0]) {
      case 'placed': {
        const hold = normaliseHold(JSON.parse(String(reply[1])));
        if (!command.confirm) return { ok: true, kind: 'placed', hold, durable: ALREADY_RESOLVED };
        const order = orderOf(hold, Number(reply[2]));
        const shown: Hold = { ...hold, status: 'confirmed', orderId: order.id };
        return { ok: true, kind: 'placed', hold: shown, order, durable: ALREADY_RESOLVED };
      }
      case 'replayed': {
        const live = reply[2];
        const hold = typeof live === 'string' ? normaliseHold(JSON.parse(live)) : undefined;
        return { ok: true, kind: 'replayed', holdId: String(reply[1]), hold, durable: ALREADY_RESOLVED };
      }
      default: {
        const rejection = rejectionOf(reply);
        // Only "nothing left at all" is cached: a request for fewer units might still succeed.
        if (shortCircuit && rejection.code === 'sold_out' && Number(reply[4]) <= 0)
          this.#soldOut?.noteSoldOut(eventId, targetKey(target), Number(reply[3]));
        return rejection;
      }
    }
  }

  async confirmHold(holdId: string, nowMs: number): Promise<Confirmed | Rejection> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return reject('hold_not_found');
    const reply = await this.#run('confirm', eventId, this.#keys(eventId), [this.#time(nowMs), holdId]);
    if (reply === undefined) return reject('hold_not_found');
    if (reply[0] !== 'confirmed') return rejectionOf(reply);
    const hold = normaliseHold(JSON.parse(String(reply[1])));
    return { ok: true, order: orderOf(hold, Number(reply[2])), durable: ALREADY_RESOLVED };
  }

  async extendHold(holdId: string, seconds: number, nowMs: number): Promise<Extended | Rejection> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return reject('hold_not_found');
    const layout = await this.#layout(eventId);
    if (layout === undefined) return reject('hold_not_found');
    const args = [this.#time(nowMs), holdId, seconds * 1000, maxHoldSecondsOf(layout.spec) * 1000];
    const reply = await this.#run('extend', eventId, this.#keys(eventId), args);
    if (reply === undefined) return reject('hold_not_found');
    if (reply[0] !== 'extended') return rejectionOf(reply);
    return { ok: true, hold: normaliseHold(JSON.parse(String(reply[1]))), durable: ALREADY_RESOLVED };
  }

  async confirmPaid(holdId: string, payment: Payment, nowMs: number): Promise<Confirmed | Rejection> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return reject('hold_not_found');
    const args = [this.#time(nowMs), holdId, 'paid', ...paymentArgs(payment)];
    const reply = await this.#run('confirm', eventId, this.#lateKeys(eventId), args);
    return confirmedOf(reply, payment);
  }

  async confirmExpired(hold: Hold, payment: Payment, nowMs: number): Promise<Confirmed | Rejection> {
    const layout = await this.#layout(hold.eventId);
    if (layout === undefined) return reject('hold_not_found');
    const offsets: number[] = [];
    const pools: ScriptArg[] = [];
    for (const item of hold.items) {
      if (item.seatId !== undefined) offsets.push(layout.seatOffsets.get(item.seatId) as number);
      else if (!pools.includes(item.poolId as string)) {
        const pool = layout.spec.pools.find((p) => p.id === item.poolId);
        pools.push(item.poolId as string, pool?.capacity ?? 0);
      }
    }
    const held = JSON.stringify({ ...hold, status: 'held', orderId: undefined });
    const args = [
      this.#time(nowMs),
      hold.id,
      'expired',
      ...paymentArgs(payment),
      held,
      layout.spec.maxPerUser,
      offsets.join(','),
    ];
    const reply = await this.#run('confirm', hold.eventId, this.#lateKeys(hold.eventId), [...args, ...pools]);
    return confirmedOf(reply, payment);
  }

  async releaseHold(holdId: string, nowMs: number): Promise<Released | Rejection> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return reject('hold_not_found');
    const args = [this.#time(nowMs), holdId, ...offerSeeds(), RESTOCK_CHANNEL];
    const reply = await this.#run('release', eventId, this.#offeringKeys(eventId), args);
    if (reply === undefined) return reject('hold_not_found');
    if (reply[0] !== 'released') return rejectionOf(reply);
    const hold = normaliseHold(JSON.parse(String(reply[1])));
    const offers = holdsOf(reply, 2);
    return { ok: true, hold: { ...hold, status: 'released' }, offers, durable: ALREADY_RESOLVED };
  }

  async cancelOrder(command: CancelCommand): Promise<Cancelled | Rejection> {
    const { hold } = command;
    const layout = await this.#layout(hold.eventId);
    if (layout === undefined) return reject('order_not_found');
    const offsets = hold.items.flatMap((item) =>
      item.seatId === undefined ? [] : [layout.seatOffsets.get(item.seatId) ?? -1],
    );
    if (offsets.includes(-1)) return reject('order_not_found');
    const orderId = orderIdOf(hold);
    const args = [
      this.#time(command.nowMs),
      JSON.stringify({ ...hold, status: 'held', orderId: undefined }),
      offsets.join(','),
      orderId,
      command.confirmedAtMs,
      ...offerSeeds(),
      RESTOCK_CHANNEL,
    ];
    const k = eventKeys(hold.eventId);
    const keys = [...this.#keys(hold.eventId), k.cancelled, k.waitlist, k.waitlistLines];
    const reply = await this.#run('cancelOrder', hold.eventId, keys, args);
    if (reply === undefined) return reject('order_not_found');
    if (reply[0] !== 'cancelled') return rejectionOf(reply);
    const first = Number(reply[2]) === 1;
    const offers = holdsOf(reply, 3);
    return { ok: true, orderId, cancelledAtMs: Number(reply[1]), first, offers, durable: ALREADY_RESOLVED };
  }

  async updateEvent(update: EventUpdate): Promise<boolean> {
    const { spec, salesOpen } = update;
    const open = salesOpen === undefined ? '' : salesOpen ? '1' : '0';
    const reply = await this.#run('updateEvent', spec.id, this.#keys(spec.id), [JSON.stringify(spec), open]);
    if (reply === undefined) return false;
    // This instance shows the change at once; the others when their next view sees `specv` move.
    this.#layouts.set(spec.id, layoutOf(spec));
    this.#specVersions.delete(spec.id);
    return true;
  }

  async sweepExpired(nowMs: number): Promise<Swept> {
    let expired = 0;
    const offers: Hold[] = [];
    for (const eventId of await this.eventIds()) {
      const now = this.#useCommandTime ? nowMs : Date.now() + this.#redisClockOffsetMs;
      if ((this.#nextSweepMs.get(eventId) ?? Number.NEGATIVE_INFINITY) > now) continue;
      for (;;) {
        const args = [this.#time(nowMs), SWEEP_BATCH, ...offerSeeds(), RESTOCK_CHANNEL];
        const reply = (await this.#scripts.sweep(this.#offeringKeys(eventId), args)) as Reply;
        const [count = -1, nextExpiry = -1, redisNow = 0] = reply.slice(0, 3).map(Number);
        offers.push(...holdsOf(reply, 3));
        // -1: the event's keys are gone; the next request for it rebuilds them.
        if (count < 0) {
          this.#nextSweepMs.delete(eventId);
          break;
        }
        expired += count;
        if (count === SWEEP_BATCH) continue;
        if (!this.#useCommandTime) this.#redisClockOffsetMs = redisNow - Date.now();
        this.#nextSweepMs.set(eventId, this.#nextSweepOf(eventId, nextExpiry, redisNow));
        break;
      }
    }
    return { ok: true, expired, offers, durable: ALREADY_RESOLVED };
  }

  async joinWaitlist(command: JoinWaitlistCommand): Promise<WaitlistJoined | Rejection> {
    const { eventId, request } = command;
    const layout = await this.#layout(eventId);
    if (layout === undefined) return reject('event_not_found');
    const invalid = checkWaitlistRequest(request, layout.spec);
    if (invalid !== undefined) return invalid;
    const line = lineOf(request);
    const capacity =
      request.poolId !== undefined
        ? (layout.spec.pools.find((pool) => pool.id === request.poolId)?.capacity ?? 0)
        : (layout.sections.get(request.sectionId as string)?.count ?? 0);
    const args = [
      'join',
      request.userId,
      this.#time(command.nowMs),
      command.entryId,
      eventId,
      request.quantity,
      line,
      capacity,
      WAITLIST_ENTRIES_PER_EVENT_MAX,
    ];
    const reply = await this.#run('waitlist', eventId, this.#waitlistKeys(eventId), args);
    if (reply === undefined) return reject('event_not_found');
    if (reply[0] !== 'joined') return rejectionOf(reply);
    const spot = { entry: entryOf(reply[1]), position: Number(reply[2]) };
    return { ok: true, spot, created: Number(reply[3]) === 1, durable: ALREADY_RESOLVED };
  }

  async leaveWaitlist(eventId: string, userId: string, nowMs: number): Promise<WaitlistLeft | Rejection> {
    const args = ['leave', userId, this.#time(nowMs)];
    const reply = await this.#run('waitlist', eventId, this.#waitlistKeys(eventId), args);
    if (reply === undefined) return reject('event_not_found');
    if (reply[0] !== 'left') return rejectionOf(reply);
    return { ok: true, entry: entryOf(reply[1]), durable: ALREADY_RESOLVED };
  }

  async waitlistSpot(eventId: string, userId: string): Promise<WaitlistSpot | undefined> {
    const reply = await this.#run('waitlist', eventId, this.#waitlistKeys(eventId), ['spot', userId]);
    if (reply?.[0] !== 'spot') return undefined;
    return { entry: entryOf(reply[1]), position: Number(reply[2]) };
  }

  /**
   * When the event next needs a sweep: at its earliest live expiry, and no later than one TTL from now, the
   * earliest a hold placed after this sweep can expire (an event's TTL is fixed). Holds a rebuild on another
   * instance brought back may expire sooner; SWEEP_RECHECK_MS bounds how long they can wait for this one.
   */
  #nextSweepOf(eventId: string, nextExpiry: number, redisNow: number): number {
    const ttlMs = (this.#layouts.get(eventId)?.spec.holdTtlSeconds ?? 0) * 1000;
    const bound = redisNow + Math.min(ttlMs, SWEEP_RECHECK_MS);
    return nextExpiry < 0 ? bound : Math.min(nextExpiry, bound);
  }

  async getHold(holdId: string): Promise<Hold | undefined> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return undefined;
    const json = await this.#redis.hget(eventKeys(eventId).holds, holdId);
    return json === null ? undefined : normaliseHold(JSON.parse(json));
  }

  async eventState(eventId: string): Promise<EventState | undefined> {
    const view = await this.view(eventId);
    return view?.state;
  }

  /** The event's counts and, from `tailFrom` on, its log entries, read in one step. */
  async view(eventId: string, tailFrom = ''): Promise<{ state: EventState; tail: LogEntry[] } | undefined> {
    const layout = await this.#layout(eventId);
    if (layout === undefined) return undefined;
    const reply = await this.#run('view', eventId, this.#keys(eventId), [tailFrom]);
    if (reply === undefined) return undefined;
    const counts = countsOf(reply[1] as unknown as readonly string[]);
    const current = await this.#currentLayout(eventId, layout, counts.get('specv') ?? 0);
    return { state: stateOf(current, counts), tail: decodeRows(reply[2]) };
  }

  /**
   * The layout with the event's definition as changed by an admin, possibly on another instance: read again
   * when the change counter in the counts moved since this instance read it (the layout itself never changes).
   */
  async #currentLayout(eventId: string, layout: EventLayout, version: number): Promise<EventLayout> {
    if ((this.#specVersions.get(eventId) ?? 0) === version) return layout;
    const json = await this.#redis.get(eventKeys(eventId).spec);
    if (json === null) return layout;
    const current = layoutOf(JSON.parse(json) as EventSpec);
    this.#layouts.set(eventId, current);
    this.#specVersions.set(eventId, version);
    return current;
  }

  async tailStart(eventId: string): Promise<string> {
    return tailStart(this.#redis, eventId);
  }

  async deadLetters(eventId: string): Promise<number> {
    return this.#redis.xlen(eventKeys(eventId).deadLetters);
  }

  async seatStates(eventId: string, sectionId?: string): Promise<SeatState[] | undefined> {
    const layout = await this.#layout(eventId);
    if (layout === undefined) return undefined;
    let start = 0;
    let count = layout.seatCount;
    if (sectionId !== undefined) {
      const section = layout.sections.get(sectionId);
      if (section === undefined) return undefined;
      start = section.start;
      count = section.count;
    }
    if (count === 0) return [];
    const map = await this.#redis.getrange(eventKeys(eventId).seats, start, start + count - 1);
    const seats: SeatState[] = new Array(count);
    for (let i = 0; i < count; i++) {
      seats[i] = { id: layout.seatIds[start + i] as string, status: seatStatusOf(map.charCodeAt(i)) };
    }
    return seats;
  }

  /**
   * One round trip: the script compares the version this instance holds with the event's and sends the
   * bytes only when they differ, so a thousand reads of an unchanged map move a thousand short replies.
   */
  async seatMap(eventId: string): Promise<SeatMap | undefined> {
    const known = this.#seatMaps.get(eventId);
    const reply = await this.#run('seatMap', eventId, this.#keys(eventId), [known?.version ?? '']);
    if (reply === undefined) return undefined;
    const version = String(reply[1]);
    if (reply[2] === null && known?.version === version) return known;
    const map = { version, states: Buffer.from(String(reply[2] ?? ''), 'latin1') };
    this.#seatMaps.delete(eventId);
    if (this.#seatMaps.size >= SEAT_MAPS_CACHED_MAX)
      this.#seatMaps.delete(this.#seatMaps.keys().next().value as string);
    this.#seatMaps.set(eventId, map);
    return map;
  }

  /** A hold that ended here and whose ending the store may not show yet, with its final status. */
  async recentEnding(holdId: string): Promise<{ hold: Hold; atMs: number; order?: Order } | undefined> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return undefined;
    const record = await this.#redis.hget(eventKeys(eventId).ended, holdId);
    if (record === null) return undefined;
    const first = record.indexOf(' ');
    const second = record.indexOf(' ', first + 1);
    const status = record.slice(0, first) as Hold['status'];
    const atMs = Number(record.slice(first + 1, second));
    const raw = JSON.parse(record.slice(second + 1));
    const hold = normaliseHold(raw);
    const ended: Hold =
      status === 'confirmed' ? { ...hold, status, orderId: orderIdOf(hold) } : { ...hold, status };
    // A confirmation's record carries the payment reference and the late mark beside the hold (confirm.lua).
    const order = status === 'confirmed' ? withPaymentOf(orderOf(hold, atMs), raw) : undefined;
    return order === undefined ? { hold: ended, atMs } : { hold: ended, atMs, order };
  }

  async eventIds(): Promise<string[]> {
    return this.#redis.smembers(EVENTS_KEY);
  }

  /**
   * Rebuilds the event's keys from the store plus the unprojected log: when they are missing, or always with
   * `force` (reconcile; the event's decisions pause meanwhile).
   */
  async rebuild(eventId: string, force = false): Promise<RebuildResult> {
    if (this.#store === undefined) throw new Error('This gate has no store to rebuild from.');
    // Restored holds may expire before the time this instance planned to sweep next.
    this.#nextSweepMs.delete(eventId);
    if (force) this.#lost.delete(eventId);
    return rebuildEvent(eventId, {
      redis: this.#redis,
      scripts: this.#scripts,
      store: this.#store,
      nowMs: Date.now(),
      force,
      idempotencyLimits: this.#idempotencyLimits,
    });
  }

  /**
   * Rebuilds an event whose keys are missing: true when it is there now, false when the store does not know
   * it either. Throws `event_needs_reconcile` when Redis lost it (see rebuild.ts).
   */
  async #rebuildMissing(eventId: string): Promise<boolean> {
    if (this.#store === undefined) return false;
    const lostUntil = this.#lost.get(eventId);
    if (lostUntil !== undefined && lostUntil > Date.now()) throw needsReconcile();
    this.#lost.delete(eventId);
    const until = this.#unknown.get(eventId);
    if (until !== undefined && until > Date.now()) return false;
    this.#unknown.delete(eventId);
    const result = await this.rebuild(eventId);
    if (result === 'lost') {
      // Bounded like #unknown: lost events are events the store knows, but stay careful.
      if (this.#lost.size >= UNKNOWN_EVENTS_MAX) this.#lost.delete(this.#lost.keys().next().value as string);
      this.#lost.set(eventId, Date.now() + LOST_EVENT_TTL_MS);
      throw needsReconcile();
    }
    if (result !== 'unknown') return true;
    if (this.#unknown.size >= UNKNOWN_EVENTS_MAX)
      this.#unknown.delete(this.#unknown.keys().next().value as string);
    this.#unknown.set(eventId, Date.now() + UNKNOWN_EVENT_TTL_MS);
    return false;
  }

  /** Runs a script; when Redis has lost the event, rebuilds it once and runs the script again. */
  async #run(
    name:
      | 'place'
      | 'confirm'
      | 'extend'
      | 'release'
      | 'cancelOrder'
      | 'updateEvent'
      | 'view'
      | 'seatMap'
      | 'waitlist',
    eventId: string,
    keys: readonly string[],
    args: ScriptArg[],
  ) {
    let reply = (await this.#scripts[name](keys, args)) as Reply;
    if (reply[0] !== 'missing') return reply;
    if (!(await this.#rebuildMissing(eventId))) return undefined;
    reply = (await this.#scripts[name](keys, args)) as Reply;
    return reply[0] === 'missing' ? undefined : reply;
  }

  async #layout(eventId: string): Promise<EventLayout | undefined> {
    const cached = this.#layouts.get(eventId);
    if (cached !== undefined) return cached;
    let json = await this.#redis.get(eventKeys(eventId).spec);
    if (json === null && (await this.#rebuildMissing(eventId)))
      json = await this.#redis.get(eventKeys(eventId).spec);
    if (json === null) return undefined;
    const layout = layoutOf(JSON.parse(json) as EventSpec);
    this.#layouts.set(eventId, layout);
    return layout;
  }

  /** The script keys of an event, built once per event: a request should not rebuild eight strings. */
  #keys(eventId: string): readonly string[] {
    let keys = this.#scriptKeys.get(eventId);
    if (keys === undefined) {
      const k = eventKeys(eventId);
      keys = [k.spec, k.seats, k.counts, k.holds, k.expiry, k.users, k.log, k.ended];
      // Unknown ids come from clients: cache only events that exist (bounded by the events there are).
      if (this.#layouts.has(eventId)) this.#scriptKeys.set(eventId, keys);
    }
    return keys;
  }

  /** The event's keys and the set of holds confirmed late: what confirm.lua takes with a payment. */
  #lateKeys(eventId: string): readonly string[] {
    return [...this.#keys(eventId), eventKeys(eventId).late];
  }

  /** The event's keys and its waitlist's: what the scripts that may make offers take (lua/offers.lua). */
  #offeringKeys(eventId: string): readonly string[] {
    const k = eventKeys(eventId);
    return [...this.#keys(eventId), k.waitlist, k.waitlistLines];
  }

  #waitlistKeys(eventId: string): readonly string[] {
    const k = eventKeys(eventId);
    return [...this.#keys(eventId), k.waitlist, k.waitlistLines, k.waitlistSeq];
  }

  #time(nowMs: number): number {
    return this.#useCommandTime ? nowMs : 0;
  }
}

function needsReconcile(): DomainError {
  return new DomainError('event_needs_reconcile');
}

function listenForRestocks(subscriber: Redis, cache: SoldOutCache): void {
  subscriber.on('message', (_channel: string, message: string) => {
    const space = message.lastIndexOf(' ');
    cache.noteRestock(message.slice(0, space), Number(message.slice(space + 1)));
  });
  // Messages published while the connection was down are lost: forget every flag on reconnect.
  subscriber.on('ready', () => cache.clear());
  subscriber.subscribe(RESTOCK_CHANNEL).catch(() => cache.clear());
}

function targetKey(target: HoldTarget): string {
  return target.kind === 'pool'
    ? `p:${target.poolId}`
    : target.kind === 'section'
      ? `s:${target.sectionId}`
      : '';
}

function targetArgs(layout: EventLayout, target: HoldTarget): ScriptArg[] {
  switch (target.kind) {
    case 'pool': {
      const pool = layout.spec.pools.find((p) => p.id === target.poolId);
      return ['pool', target.quantity, target.poolId, pool?.capacity ?? -1, pool?.price ?? 0];
    }
    case 'section': {
      const section = layout.sections.get(target.sectionId);
      if (section === undefined) return ['section', target.quantity, target.sectionId, -1, 0, 0];
      const args: ScriptArg[] = [
        'section',
        target.quantity,
        section.id,
        section.count,
        section.price,
        section.rows.length,
      ];
      for (const row of section.rows) args.push(row.start, row.count, row.id);
      return args;
    }
    case 'seats': {
      const args: ScriptArg[] = ['seats', target.seatIds.length, target.seatIds.length];
      for (const seatId of target.seatIds) {
        const offset = layout.seatOffsets.get(seatId);
        const section =
          offset === undefined ? undefined : layout.sections.get(seatId.slice(0, seatId.indexOf('-')));
        args.push(seatId, offset ?? -1, section?.price ?? 0);
      }
      return args;
    }
  }
}

const SCRIPT_CODES: Readonly<Record<string, ErrorCode>> = {
  sold_out: 'sold_out',
  seat_unavailable: 'seat_unavailable',
  seat_not_found: 'seat_not_found',
  limit_exceeded: 'limit_exceeded',
  idempotency_key_reused: 'idempotency_key_reused',
  pool_not_found: 'pool_not_found',
  section_not_found: 'section_not_found',
  hold_not_found: 'hold_not_found',
  hold_expired: 'hold_expired',
  order_not_found: 'order_not_found',
  sales_closed: 'sales_closed',
  hold_released: 'hold_released',
  hold_confirmed: 'hold_confirmed',
  hold_extension_limit: 'hold_extension_limit',
  amount_mismatch: 'amount_mismatch',
  not_sold_out: 'not_sold_out',
  already_waitlisted: 'already_waitlisted',
  waitlist_full: 'waitlist_full',
  waitlist_entry_not_found: 'waitlist_entry_not_found',
};

/** The two random seeds of the ids of the offers a script may make (lua/offers.lua). */
function offerSeeds(): [string, string] {
  return [newOrderToken(), newOrderToken()];
}

/** The offer holds a script appended to its reply from index `from` on. */
function holdsOf(reply: Reply, from: number): Hold[] {
  const holds: Hold[] = [];
  for (let i = from; i < reply.length; i++) holds.push(normaliseHold(JSON.parse(String(reply[i]))));
  return holds;
}

function entryOf(json: unknown): WaitlistEntry {
  return JSON.parse(String(json)) as WaitlistEntry;
}

function paymentArgs(payment: Payment): ScriptArg[] {
  return [payment.amount ?? -1, payment.reference ?? '', LATE_CONFIRM_MEMORY_MS];
}

function confirmedOf(reply: Reply | undefined, payment: Payment): Confirmed | Rejection {
  if (reply === undefined) return reject('hold_not_found');
  if (reply[0] !== 'confirmed') return rejectionOf(reply);
  const hold = normaliseHold(JSON.parse(String(reply[1])));
  const late = reply[3] === 1 || reply[3] === '1';
  const order = withPaymentOf(orderOf(hold, Number(reply[2])), {
    paymentReference: payment.reference,
    late,
  });
  return { ok: true, order, durable: ALREADY_RESOLVED };
}

function rejectionOf(reply: Reply): Rejection {
  const code = String(reply[1]);
  if (code === 'hold_expired' && reply[2] === 'stock_taken') return stockTaken();
  if (code === 'duplicate_seat') return reject('invalid_request', 'A seat is named twice.');
  const known = SCRIPT_CODES[code];
  if (known === undefined) throw new Error(`The gate script answered an unknown code: ${code}`);
  const detail = reply[2];
  if (typeof detail === 'string' && detail !== '') {
    if (known === 'seat_not_found') return reject(known, `No seat "${detail}" in this event.`);
    if (known === 'seat_unavailable') return reject(known, `Seat "${detail}" is held or sold.`);
  }
  return reject(known);
}

function seatStatusOf(byte: number): SeatStatus {
  return byte === 104 ? 'held' : byte === 115 ? 'sold' : 'available';
}
