// The idempotency keys of one event, bounded. A key belongs to the buyer who sent it: it is looked up under
// (buyer, key), so the same key from another buyer is another key and can neither replay nor block the
// first buyer's placement. Three bounds keep memory flat under any traffic: a retention (a key is for
// retrying, not for ever), the newest keys per buyer, and the keys of the whole event, oldest forgotten
// first. The Redis gate keeps the same records with the same bounds (lua/common.lua, idem_*).
import {
  IDEMPOTENCY_KEYS_PER_BUYER_MAX,
  IDEMPOTENCY_KEYS_PER_EVENT_MAX,
  IDEMPOTENCY_RETENTION_MS,
} from '../../domain/limits.js';

export interface IdempotencyRecord {
  readonly holdId: string;
  readonly fingerprint: string;
  /** When the hold was placed; the key is forgotten at placedAtMs + retention. */
  readonly placedAtMs: number;
}

export interface IdempotencyLimits {
  readonly retentionMs: number;
  readonly keysPerBuyer: number;
  readonly keysPerEvent: number;
}

export const IDEMPOTENCY_LIMITS: IdempotencyLimits = Object.freeze({
  retentionMs: IDEMPOTENCY_RETENTION_MS,
  keysPerBuyer: IDEMPOTENCY_KEYS_PER_BUYER_MAX,
  keysPerEvent: IDEMPOTENCY_KEYS_PER_EVENT_MAX,
});

interface Stored extends IdempotencyRecord {
  readonly buyer: string;
}

/** A buyer id and a key in one string; neither can contain a newline (both are validated printable ASCII). */
export function buyerKeyOf(buyer: string, key: string): string {
  return `${buyer}\n${key}`;
}

export class IdempotencyBook {
  readonly #limits: IdempotencyLimits;
  /** (buyer, key) → record; Map order is insertion order, which is placement order: oldest first. */
  readonly #records = new Map<string, Stored>();
  /**
   * Buyer → that buyer's (buyer, key) strings, oldest first: the string itself for a buyer with one key (the
   * common case, and no container to pay for), an array beyond.
   */
  readonly #byBuyer = new Map<string, string | string[]>();

  constructor(limits: IdempotencyLimits = IDEMPOTENCY_LIMITS) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#records.size;
  }

  /** The buyer's record of this key, unless it is past its retention. */
  find(buyer: string, key: string, nowMs: number): IdempotencyRecord | undefined {
    const record = this.#records.get(buyerKeyOf(buyer, key));
    if (record === undefined || record.placedAtMs + this.#limits.retentionMs <= nowMs) return undefined;
    return record;
  }

  /** Records a key as the newest, forgetting what the bounds leave no room for. */
  remember(buyer: string, key: string, record: IdempotencyRecord): void {
    const id = buyerKeyOf(buyer, key);
    this.#forget(id);
    this.#records.set(id, {
      holdId: record.holdId,
      fingerprint: record.fingerprint,
      placedAtMs: record.placedAtMs,
      buyer,
    });
    const keys = this.#byBuyer.get(buyer);
    if (keys === undefined) this.#byBuyer.set(buyer, id);
    else if (typeof keys === 'string') this.#byBuyer.set(buyer, [keys, id]);
    else keys.push(id);
    const count = typeof keys === 'object' ? keys.length : keys === undefined ? 1 : 2;
    if (count > this.#limits.keysPerBuyer) this.#forget(this.#oldestOf(buyer));
    while (this.#records.size > this.#limits.keysPerEvent)
      this.#forget(this.#records.keys().next().value as string);
  }

  /** Forgets a key (the undo of a placement whose commit failed). */
  forget(buyer: string, key: string, holdId: string): void {
    const id = buyerKeyOf(buyer, key);
    if (this.#records.get(id)?.holdId === holdId) this.#forget(id);
  }

  /** Forgets keys past their retention; insertion order is placement order, so it stops at the first live one. */
  prune(nowMs: number): void {
    for (const [id, record] of this.#records) {
      if (record.placedAtMs + this.#limits.retentionMs > nowMs) return;
      this.#forget(id);
    }
  }

  /** Every record within retention, oldest first: what a rebuilt gate loads. */
  *records(nowMs: number): Generator<[buyer: string, key: string, record: IdempotencyRecord]> {
    for (const [id, record] of this.#records) {
      if (record.placedAtMs + this.#limits.retentionMs <= nowMs) continue;
      yield [record.buyer, id.slice(record.buyer.length + 1), record];
    }
  }

  #oldestOf(buyer: string): string {
    const keys = this.#byBuyer.get(buyer) as string | string[];
    return typeof keys === 'string' ? keys : (keys[0] as string);
  }

  #forget(id: string): void {
    const record = this.#records.get(id);
    if (record === undefined) return;
    this.#records.delete(id);
    const keys = this.#byBuyer.get(record.buyer);
    if (typeof keys === 'string' || keys === undefined) {
      this.#byBuyer.delete(record.buyer);
      return;
    }
    keys.splice(keys.indexOf(id), 1);
    if (keys.length === 1) this.#byBuyer.set(record.buyer, keys[0] as string);
  }
}
