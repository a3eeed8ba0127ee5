// The sold-out short-circuit: once a pool or section is seen with no stock left, this instance rejects
// requests for it locally, without a Redis round trip, until stock returns. Only rejections are cached, so
// it can never cause an oversell; the risk is a stale "sold out", which three things bound:
// - release and expiry scripts bump the event's restock epoch and publish it; a restock clears the flags;
// - a flag is only set when the reply's epoch is not older than a restock this instance already heard
//   (a reply and a restock message travel on different connections and may cross);
// - every flag lapses after SOLD_OUT_TTL_MS, in case a published message was lost (pub/sub is at-most-once).

/** Longest a flag trusts itself without hearing from Redis: one round trip per pool per TTL under a rush. */
export const SOLD_OUT_TTL_MS = 1_000;

interface Flag {
  readonly epoch: number;
  readonly untilMs: number;
}

export class SoldOutCache {
  readonly #flags = new Map<string, Flag>();
  readonly #restocked = new Map<string, number>();
  readonly #clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  isSoldOut(eventId: string, target: string): boolean {
    const key = `${eventId}\u0000${target}`;
    const flag = this.#flags.get(key);
    if (flag === undefined) return false;
    if (flag.untilMs > this.#clock() && flag.epoch >= (this.#restocked.get(eventId) ?? 0)) return true;
    this.#flags.delete(key);
    return false;
  }

  /** A reply said the target has no stock left at restock epoch `epoch`. */
  noteSoldOut(eventId: string, target: string, epoch: number): void {
    if (epoch < (this.#restocked.get(eventId) ?? 0)) return;
    this.#flags.set(`${eventId}\u0000${target}`, { epoch, untilMs: this.#clock() + SOLD_OUT_TTL_MS });
  }

  /** Stock of the event came back at epoch `epoch`: every older flag of the event is void. */
  noteRestock(eventId: string, epoch: number): void {
    if (epoch > (this.#restocked.get(eventId) ?? 0)) this.#restocked.set(eventId, epoch);
  }

  /** The connection that carries restock messages was lost: nothing cached can be trusted. */
  clear(): void {
    this.#flags.clear();
  }
}
