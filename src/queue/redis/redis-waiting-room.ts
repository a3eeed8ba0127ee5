// The waiting room of the distributed shape: each event's line in Redis under the event's hash tag, every
// operation one Lua call deciding with Redis's TIME, so any API instance serves any buyer and every
// instance may run admission steps at once.
import type { RedisClient } from '../../gate/redis/scripts.js';
import { eventKeys, QUEUE_MISSING_REPLY, QUEUE_NOT_OPEN_REPLY } from '../../log/redis/encoding.js';
import {
  ADMISSION_BURST_SECONDS,
  ADMISSION_STEP_MAX,
  type AdmissionStep,
  type Admitted,
  PASSES_PER_AVAILABLE_TICKET,
  QUEUE_RATE_WINDOW_MS,
  type QueueSettings,
  type QueueState,
  type Standing,
  type Stock,
  type WaitingRoom,
} from '../waiting-room.js';
import { QUEUED_EVENTS_KEY, queueKeys } from './queue-keys.js';
import { admitArgs, joinArgs, standingsArgs } from './queue-script-args.js';
import { defineQueueScripts, type QueueScripts } from './queue-scripts.js';

export interface RedisWaitingRoomOptions {
  readonly redis: RedisClient;
  /** Tests: decide with the times given to each call instead of Redis's TIME. */
  readonly useCommandTime?: boolean;
}

type Row = readonly (string | number)[];

export class RedisWaitingRoom implements WaitingRoom {
  readonly #redis: RedisClient;
  readonly #scripts: QueueScripts;
  readonly #useCommandTime: boolean;

  constructor(options: RedisWaitingRoomOptions) {
    this.#redis = options.redis;
    this.#scripts = defineQueueScripts(options.redis);
    this.#useCommandTime = options.useCommandTime ?? false;
  }

  async configure(eventId: string, settings: QueueSettings): Promise<void> {
    await this.#redis.hset(queueKeys(eventId)[0] as string, {
      opensAt: settings.opensAtMs,
      salesStartAt: settings.salesStartAtMs,
      admitPerMinute: settings.admitPerMinute,
      passMinutes: settings.passMinutes,
      maxActive: settings.maxActive,
      paused: settings.paused ? '1' : '0',
    });
    await this.#redis.sadd(QUEUED_EVENTS_KEY, eventId);
  }

  async settings(eventId: string): Promise<QueueSettings | undefined> {
    const fields = await this.#redis.hmget(
      queueKeys(eventId)[0] as string,
      'opensAt',
      'salesStartAt',
      'admitPerMinute',
      'passMinutes',
      'maxActive',
      'paused',
    );
    if (fields[0] === null) return undefined;
    const [opensAtMs, salesStartAtMs, admitPerMinute, passMinutes, maxActive] = fields.map(
      Number,
    ) as number[];
    return {
      opensAtMs: opensAtMs as number,
      salesStartAtMs: salesStartAtMs as number,
      admitPerMinute: admitPerMinute as number,
      passMinutes: passMinutes as number,
      maxActive: maxActive as number,
      paused: fields[5] === '1',
    };
  }

  async queuedEvents(): Promise<string[]> {
    return this.#redis.smembers(QUEUED_EVENTS_KEY);
  }

  async join(
    eventId: string,
    buyerId: string,
    draw: number,
    nowMs: number,
  ): Promise<Standing | 'not_open' | undefined> {
    const row = (await this.#scripts.join(
      queueKeys(eventId),
      joinArgs(buyerId, draw, this.#now(nowMs), QUEUE_RATE_WINDOW_MS),
    )) as Row;
    if (isQueueMissing(row)) return undefined;
    if (row.length === 1 && row[0] === QUEUE_NOT_OPEN_REPLY) return 'not_open';
    return standingOf(row);
  }

  async standings(
    eventId: string,
    buyerIds: readonly string[],
    nowMs: number,
  ): Promise<(Standing | undefined)[]> {
    if (buyerIds.length === 0) return [];
    const rows = (await this.#scripts.standings(
      queueKeys(eventId),
      standingsArgs(buyerIds, this.#now(nowMs), QUEUE_RATE_WINDOW_MS),
    )) as Row[];
    return rows.map((row) => (row.length === 0 ? undefined : standingOf(row)));
  }

  async admit(
    eventId: string,
    stock: Stock,
    abandonAfterMs: number,
    nowMs: number,
  ): Promise<AdmissionStep | undefined> {
    // The event's log stream last: each admission is appended to it in the same script (same hash tag).
    const row = (await this.#scripts.admit(
      [...queueKeys(eventId), eventKeys(eventId).log],
      admitArgs(
        {
          available: stock.available,
          held: stock.held,
          salesOpen: stock.salesOpen,
          abandonAfterMs,
          windowMs: QUEUE_RATE_WINDOW_MS,
          stepMax: ADMISSION_STEP_MAX,
          passesPerAvailable: PASSES_PER_AVAILABLE_TICKET,
          burstSeconds: ADMISSION_BURST_SECONDS,
          eventId,
        },
        this.#now(nowMs),
      ),
    )) as Row;
    if (isQueueMissing(row)) return undefined;
    const admitted: Admitted[] = [];
    for (let i = 6; i + 2 < row.length; i += 3)
      admitted.push({
        buyerId: String(row[i]),
        joinedAtMs: Number(row[i + 1]),
        passExpiresAtMs: Number(row[i + 2]),
      });
    return {
      abandoned: Number(row[0]),
      waiting: Number(row[1]),
      active: Number(row[2]),
      soldOut: row[3] === 1,
      admittedInWindow: Number(row[4]),
      nowMs: Number(row[5]),
      admitted,
    };
  }

  #now(nowMs: number): number {
    return this.#useCommandTime ? nowMs : 0;
  }
}

/** Whether a script found no waiting room set up for the event: {QUEUE_MISSING} and nothing else. */
function isQueueMissing(row: Row): boolean {
  return row.length === 1 && row[0] === QUEUE_MISSING_REPLY;
}

function standingOf(row: Row): Standing {
  const position = Number(row[1]);
  const expiry = Number(row[4]);
  return {
    state: String(row[0]) as QueueState,
    position: position > 0 ? position : undefined,
    waiting: Number(row[2]),
    joinedAtMs: Number(row[3]),
    passExpiresAtMs: expiry > 0 ? expiry : undefined,
    admittedInWindow: Number(row[5]),
    nowMs: Number(row[6]),
  };
}
