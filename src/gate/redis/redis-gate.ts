// The gate of the distributed shape: every decision is one Lua script on keys that share the event's hash
// tag, so it is atomic on one Redis (or one shard of a cluster) and costs one round trip. The script also
// XADDs the decided entries to the event's log stream, so an accepted change is as durable as Redis's AOF:
// `durable` is settled before the reply. Time comes from Redis unless the caller's clock is to be used.
// The parts: script arguments (script-args.ts), replies (replies.ts), layouts and keys (event-layouts.ts),
// the sold-out short-circuit (sold-out-guard.ts), sweep scheduling (sweep-schedule.ts), rebuilds of
// missing events (missing-events.ts).
import type { Redis } from 'ioredis';
import { type Rejection, reject } from '../../domain/errors.js';
import { maxHoldSecondsOf } from '../../domain/event-spec.js';
import { targetOf } from '../../domain/hold-request.js';
import { eventIdOf, orderIdOf } from '../../domain/ids.js';
import type { LogEntry } from '../../domain/log-entry.js';
import { orderOf } from '../../domain/order.js';
import type { EventSpec, EventState, Hold, HoldRequest, Order, SeatState } from '../../domain/types.js';
import { checkWaitlistRequest, offerTtlSecondsOf, type WaitlistSpot } from '../../domain/waitlist.js';
import { COUNT_FIELDS } from '../../log/redis/encoding.js';
import { decodeRows, tailStart } from '../../log/redis/unacknowledged.js';
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
import { EventLayouts } from './event-layouts.js';
import { EVENTS_KEY, eventKeys } from './keys.js';
import { layoutOf } from './layout.js';
import { MissingEvents } from './missing-events.js';
import { PlaceBatcher } from './place-batcher.js';
import type { EventRebuilder, GateLogView, RecentEndings } from './ports.js';
import { countsOf, stateOf } from './read-model.js';
import { FIRST_GATE_EPOCH, type RebuildResult } from './rebuild.js';
import {
  ALREADY_RESOLVED,
  confirmedOf,
  emptyAtEpochOf,
  endingOf,
  holdOf,
  holdsOf,
  isEventMissing,
  placeOutcomeOf,
  type Reply,
  rejectionOf,
  seatStatusOf,
  sweptOf,
  waitlistEntryOf,
} from './replies.js';
import {
  cancelOrderArgs,
  confirmArgs,
  createEventArgs,
  extendArgs,
  placeArgs,
  releaseArgs,
  seatMapArgs,
  sweepArgs,
  updateEventArgs,
  viewArgs,
  waitlistArgs,
} from './script-args.js';
import { defineScripts, type GateScripts, type RedisClient, type ScriptArg } from './scripts.js';
import { SeatMapCache } from './seat-map-cache.js';
import { SoldOutGuard } from './sold-out-guard.js';
import { SweepSchedule } from './sweep-schedule.js';

/** Due holds one sweep call expires per event; a larger backlog takes several calls of the same sweep. */
const SWEEP_BATCH = 500;

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
  /** Default true: the placements of an event asked for in one event-loop turn go in one call (place-batcher.ts). */
  readonly batchPlacements?: boolean;
}

type ScriptName =
  | 'place'
  | 'confirm'
  | 'extend'
  | 'release'
  | 'cancelOrder'
  | 'updateEvent'
  | 'view'
  | 'seatMap'
  | 'waitlist';

export class RedisGate implements Gate, RecentEndings, GateLogView, EventRebuilder {
  readonly #redis: RedisClient;
  readonly #scripts: GateScripts;
  readonly #layouts: EventLayouts;
  readonly #seatMaps = new SeatMapCache();
  readonly #sweeps: SweepSchedule;
  readonly #missing: MissingEvents;
  readonly #useCommandTime: boolean;
  readonly #soldOut: SoldOutGuard | undefined;
  readonly #idempotencyLimits: IdempotencyLimits;
  readonly #placements: PlaceBatcher | undefined;

  constructor(options: RedisGateOptions) {
    this.#redis = options.redis;
    this.#scripts = defineScripts(options.redis);
    this.#layouts = new EventLayouts(options.redis);
    this.#useCommandTime = options.useCommandTime ?? false;
    this.#sweeps = new SweepSchedule(this.#useCommandTime);
    this.#idempotencyLimits = options.idempotencyLimits ?? IDEMPOTENCY_LIMITS;
    this.#missing = new MissingEvents({
      redis: options.redis,
      scripts: this.#scripts,
      store: options.store,
      idempotencyLimits: this.#idempotencyLimits,
      onRebuild: (eventId) => this.#sweeps.forget(eventId),
    });
    if (options.batchPlacements !== false) this.#placements = new PlaceBatcher(this.#scripts.placeBatch);
    if (options.soldOutCache === true && options.subscriber !== undefined)
      this.#soldOut = new SoldOutGuard(options.subscriber);
  }

  async createEvent(spec: EventSpec): Promise<boolean> {
    const layout = layoutOf(spec);
    const created = await this.#scripts.createEvent(
      this.#layouts.keys(spec.id),
      createEventArgs(spec, layout.seatCount, FIRST_GATE_EPOCH),
    );
    await this.#redis.sadd(EVENTS_KEY, spec.id);
    this.#missing.noteCreated(spec.id);
    if (created === 1) this.#layouts.set(spec, layout);
    return created === 1;
  }

  async placeHold(command: PlaceCommand): Promise<PlaceOutcome> {
    const { eventId } = command;
    const layout = await this.#layout(eventId);
    if (layout === undefined) return reject('event_not_found');
    const target = targetOf(command.request, layout.spec);
    if (!('kind' in target)) return target;
    const soldOut = this.#soldOut?.applies(command) ? this.#soldOut : undefined;
    if (soldOut?.isSoldOut(eventId, target)) return reject('sold_out');
    const args = placeArgs(command, layout, target, this.#time(command.nowMs), this.#idempotencyLimits);
    const reply = await this.#run('place', eventId, this.#layouts.placeKeys(eventId), args);
    if (reply === undefined) return reject('event_not_found');
    const epoch = soldOut === undefined ? undefined : emptyAtEpochOf(reply);
    if (epoch !== undefined) soldOut?.noteEmpty(eventId, target, epoch);
    return placeOutcomeOf(reply, command);
  }

  /** From the sold-out short-circuit's flags alone; an event whose layout this instance has not read is not known. */
  knowsSoldOut(eventId: string, request: HoldRequest): boolean {
    const layout = this.#layouts.cached(eventId);
    if (this.#soldOut === undefined || layout === undefined) return false;
    const target = targetOf(request, layout.spec);
    return 'kind' in target && this.#soldOut.isSoldOut(eventId, target);
  }

  async confirmHold(holdId: string, nowMs: number): Promise<Confirmed | Rejection> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return reject('hold_not_found');
    const args = confirmArgs({ mode: 'live', holdId }, this.#time(nowMs));
    const reply = await this.#run('confirm', eventId, this.#layouts.lateKeys(eventId), args);
    if (reply === undefined) return reject('hold_not_found');
    if (reply[0] !== 'confirmed') return rejectionOf(reply);
    return { ok: true, order: orderOfReply(reply), durable: ALREADY_RESOLVED };
  }

  async extendHold(holdId: string, seconds: number, nowMs: number): Promise<Extended | Rejection> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return reject('hold_not_found');
    const layout = await this.#layout(eventId);
    if (layout === undefined) return reject('hold_not_found');
    const args = extendArgs(holdId, seconds, maxHoldSecondsOf(layout.spec), this.#time(nowMs));
    const reply = await this.#run('extend', eventId, this.#layouts.keys(eventId), args);
    if (reply === undefined) return reject('hold_not_found');
    if (reply[0] !== 'extended') return rejectionOf(reply);
    return { ok: true, hold: holdOf(reply[1]), durable: ALREADY_RESOLVED };
  }

  async confirmPaid(holdId: string, payment: Payment, nowMs: number): Promise<Confirmed | Rejection> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return reject('hold_not_found');
    const args = confirmArgs({ mode: 'paid', holdId, payment }, this.#time(nowMs));
    const reply = await this.#run('confirm', eventId, this.#layouts.lateKeys(eventId), args);
    return confirmedOf(reply, payment);
  }

  async confirmExpired(hold: Hold, payment: Payment, nowMs: number): Promise<Confirmed | Rejection> {
    const layout = await this.#layout(hold.eventId);
    if (layout === undefined) return reject('hold_not_found');
    const args = confirmArgs({ mode: 'expired', hold, payment, layout }, this.#time(nowMs));
    const reply = await this.#run('confirm', hold.eventId, this.#layouts.lateKeys(hold.eventId), args);
    return confirmedOf(reply, payment);
  }

  async releaseHold(holdId: string, nowMs: number): Promise<Released | Rejection> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return reject('hold_not_found');
    const args = releaseArgs(holdId, this.#time(nowMs));
    const reply = await this.#run('release', eventId, this.#offeringKeys(eventId), args);
    if (reply === undefined) return reject('hold_not_found');
    if (reply[0] !== 'released') return rejectionOf(reply);
    const offers = holdsOf(reply, 2);
    return { ok: true, hold: { ...holdOf(reply[1]), status: 'released' }, offers, durable: ALREADY_RESOLVED };
  }

  async cancelOrder(command: CancelCommand): Promise<Cancelled | Rejection> {
    const { hold } = command;
    const layout = await this.#layout(hold.eventId);
    if (layout === undefined) return reject('order_not_found');
    const args = cancelOrderArgs(command, layout, this.#time(command.nowMs));
    if (args === undefined) return reject('order_not_found');
    const k = eventKeys(hold.eventId);
    const keys = [...this.#layouts.keys(hold.eventId), k.cancelled, k.waitlist, k.waitlistLines];
    const reply = await this.#run('cancelOrder', hold.eventId, keys, args);
    if (reply === undefined) return reject('order_not_found');
    if (reply[0] !== 'cancelled') return rejectionOf(reply);
    const orderId = orderIdOf(hold);
    const first = Number(reply[2]) === 1;
    const offers = holdsOf(reply, 3);
    return { ok: true, orderId, cancelledAtMs: Number(reply[1]), first, offers, durable: ALREADY_RESOLVED };
  }

  async updateEvent(update: EventUpdate): Promise<boolean> {
    const { spec } = update;
    const keys = this.#layouts.keys(spec.id);
    const reply = await this.#run('updateEvent', spec.id, keys, updateEventArgs(update));
    if (reply === undefined) return false;
    // This instance shows the change at once; the others when their next view sees `specv` move.
    this.#layouts.set(spec);
    return true;
  }

  async sweepExpired(nowMs: number): Promise<Swept> {
    let expired = 0;
    const offers: Hold[] = [];
    for (const eventId of await this.eventIds()) {
      if (!this.#sweeps.isDue(eventId, nowMs)) continue;
      for (;;) {
        const args = sweepArgs(SWEEP_BATCH, this.#time(nowMs));
        const reply = (await this.#scripts.sweep(this.#offeringKeys(eventId), args)) as Reply;
        // The event's keys are gone: not rebuilt here, the next request for it rebuilds them.
        if (isEventMissing(reply)) {
          this.#sweeps.forget(eventId);
          break;
        }
        const { count, nextExpiry, redisNow, offers: made } = sweptOf(reply);
        offers.push(...made);
        expired += count;
        if (count === SWEEP_BATCH) continue;
        this.#sweeps.plan(eventId, nextExpiry, redisNow, this.#shortestLifeMs(eventId));
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
    const capacity =
      request.poolId !== undefined
        ? (layout.spec.pools.find((pool) => pool.id === request.poolId)?.capacity ?? 0)
        : (layout.sections.get(request.sectionId as string)?.count ?? 0);
    const time = this.#time(command.nowMs);
    const args = waitlistArgs({ mode: 'join', request, entryId: command.entryId, eventId, capacity, time });
    const reply = await this.#run('waitlist', eventId, this.#waitlistKeys(eventId), args);
    if (reply === undefined) return reject('event_not_found');
    if (reply[0] !== 'joined') return rejectionOf(reply);
    const spot = { entry: waitlistEntryOf(reply[1]), position: Number(reply[2]) };
    return { ok: true, spot, created: Number(reply[3]) === 1, durable: ALREADY_RESOLVED };
  }

  async leaveWaitlist(eventId: string, userId: string, nowMs: number): Promise<WaitlistLeft | Rejection> {
    const args = waitlistArgs({ mode: 'leave', userId, time: this.#time(nowMs) });
    const reply = await this.#run('waitlist', eventId, this.#waitlistKeys(eventId), args);
    if (reply === undefined) return reject('event_not_found');
    if (reply[0] !== 'left') return rejectionOf(reply);
    return { ok: true, entry: waitlistEntryOf(reply[1]), durable: ALREADY_RESOLVED };
  }

  async waitlistSpot(eventId: string, userId: string): Promise<WaitlistSpot | undefined> {
    const args = waitlistArgs({ mode: 'spot', userId });
    const reply = await this.#run('waitlist', eventId, this.#waitlistKeys(eventId), args);
    if (reply?.[0] !== 'spot') return undefined;
    return { entry: waitlistEntryOf(reply[1]), position: Number(reply[2]) };
  }

  async getHold(holdId: string): Promise<Hold | undefined> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return undefined;
    const json = await this.#redis.hget(eventKeys(eventId).holds, holdId);
    return json === null ? undefined : holdOf(json);
  }

  async eventState(eventId: string): Promise<EventState | undefined> {
    const view = await this.view(eventId);
    return view?.state;
  }

  /** The event's counts and, from `tailFrom` on, its log entries, read in one step. */
  async view(
    eventId: string,
    tailFrom = '',
  ): Promise<{ state: EventState; tail: LogEntry[]; availableCounter: number | undefined } | undefined> {
    const layout = await this.#layout(eventId);
    if (layout === undefined) return undefined;
    const reply = await this.#run('view', eventId, this.#layouts.keys(eventId), viewArgs(tailFrom));
    if (reply === undefined) return undefined;
    const counts = countsOf(reply[1] as unknown as readonly string[]);
    const current = await this.#layouts.current(eventId, layout, counts.get(COUNT_FIELDS.specVersion) ?? 0);
    return {
      state: stateOf(current, counts),
      tail: decodeRows(reply[2]),
      availableCounter: counts.get(COUNT_FIELDS.available),
    };
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
    const args = seatMapArgs(known?.version);
    const reply = await this.#run('seatMap', eventId, this.#layouts.keys(eventId), args);
    if (reply === undefined) return undefined;
    const version = String(reply[1]);
    if (reply[2] === null && known?.version === version) return known;
    const map = { version, states: Buffer.from(String(reply[2] ?? ''), 'latin1') };
    this.#seatMaps.set(eventId, map);
    return map;
  }

  async recentEnding(holdId: string): Promise<{ hold: Hold; atMs: number; order?: Order } | undefined> {
    const eventId = eventIdOf(holdId);
    if (eventId === undefined) return undefined;
    const record = await this.#redis.hget(eventKeys(eventId).ended, holdId);
    return record === null ? undefined : endingOf(record);
  }

  async eventIds(): Promise<string[]> {
    return this.#redis.smembers(EVENTS_KEY);
  }

  async rebuild(eventId: string, force = false): Promise<RebuildResult> {
    return this.#missing.rebuild(eventId, force);
  }

  /** Runs a script; when Redis has lost the event, rebuilds it once and runs the script again. */
  async #run(name: ScriptName, eventId: string, keys: readonly string[], args: ScriptArg[]) {
    let reply = await this.#call(name, eventId, keys, args);
    if (!isEventMissing(reply)) return reply;
    if (!(await this.#missing.rebuildMissing(eventId))) return undefined;
    reply = await this.#call(name, eventId, keys, args);
    return isEventMissing(reply) ? undefined : reply;
  }

  async #call(name: ScriptName, eventId: string, keys: readonly string[], args: ScriptArg[]): Promise<Reply> {
    if (name === 'place' && this.#placements !== undefined)
      return this.#placements.place(eventId, keys, args);
    return (await this.#scripts[name](keys, args)) as Reply;
  }

  async #layout(eventId: string) {
    return this.#layouts.load(eventId, (id) => this.#missing.rebuildMissing(id));
  }

  /** The event's keys and its waitlist's: what the scripts that may make offers take (lua/offers.lua). */
  #offeringKeys(eventId: string): readonly string[] {
    const k = eventKeys(eventId);
    return [...this.#layouts.keys(eventId), k.waitlist, k.waitlistLines];
  }

  #waitlistKeys(eventId: string): readonly string[] {
    const k = eventKeys(eventId);
    return [...this.#layouts.keys(eventId), k.waitlist, k.waitlistLines, k.waitlistSeq];
  }

  /**
   * The shortest life a hold made after a sweep can have: a placement's TTL, or a waitlist offer's, which a
   * release or a late confirm can make between sweeps and which may be the shorter.
   */
  #shortestLifeMs(eventId: string): number {
    const spec = this.#layouts.cached(eventId)?.spec;
    if (spec === undefined) return 0;
    return Math.min(spec.holdTtlSeconds, offerTtlSecondsOf(spec)) * 1000;
  }

  #time(nowMs: number): number {
    return this.#useCommandTime ? nowMs : 0;
  }
}

function orderOfReply(reply: Reply): Order {
  return orderOf(holdOf(reply[1]), Number(reply[2]));
}
