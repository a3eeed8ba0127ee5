// The sold-out short-circuit of one gate (see sold-out-cache.ts): which placements it may answer, and the
// pub/sub connection that tells it of restocks.
import type { Redis } from 'ioredis';
import type { HoldTarget } from '../../domain/hold-request.js';
import { COUNT_FIELDS } from '../../log/redis/encoding.js';
import type { PlaceCommand } from '../gate.js';
import { RESTOCK_CHANNEL } from './keys.js';
import { SoldOutCache } from './sold-out-cache.js';

export class SoldOutGuard {
  readonly #cache = new SoldOutCache();

  /** `subscriber`: a connection of its own (a subscribed connection can send nothing else). */
  constructor(subscriber: Redis) {
    listenForRestocks(subscriber, this.#cache);
  }

  /**
   * Only placements without an Idempotency-Key are answered here: a retry of an accepted placement must be
   * answered as accepted, which only Redis knows.
   */
  applies(command: PlaceCommand): boolean {
    return command.idempotencyKey === undefined;
  }

  isSoldOut(eventId: string, target: HoldTarget): boolean {
    return this.#cache.isSoldOut(eventId, targetKey(target));
  }

  /** A refusal found nothing left at all (a request for fewer units might still succeed otherwise). */
  noteEmpty(eventId: string, target: HoldTarget, epoch: number): void {
    this.#cache.noteSoldOut(eventId, targetKey(target), epoch);
  }
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
    ? `${COUNT_FIELDS.pool}${target.poolId}`
    : target.kind === 'section'
      ? `${COUNT_FIELDS.section}${target.sectionId}`
      : '';
}
