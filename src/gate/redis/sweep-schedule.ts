// When this instance next sweeps each event, so that a sweeper tick costs Redis nothing for events with
// nothing due. Times are Redis's (or the commands' in tests with a manual clock).

/** Longest an event goes unswept by this instance when nothing it knows of is due (see plan). */
const SWEEP_RECHECK_MS = 10_000;

export class SweepSchedule {
  /** Event id → when this instance next sweeps it. */
  readonly #nextMs = new Map<string, number>();
  /** Redis's clock minus this process's, as of the last sweep. */
  #redisClockOffsetMs = 0;
  readonly #useCommandTime: boolean;

  constructor(useCommandTime: boolean) {
    this.#useCommandTime = useCommandTime;
  }

  /** Whether the event is due at the command's time `nowMs` (or at Redis's time as last seen). */
  isDue(eventId: string, nowMs: number): boolean {
    const now = this.#useCommandTime ? nowMs : Date.now() + this.#redisClockOffsetMs;
    return (this.#nextMs.get(eventId) ?? Number.NEGATIVE_INFINITY) <= now;
  }

  /** Swept at once next time (keys gone, or holds restored by a rebuild). */
  forget(eventId: string): void {
    this.#nextMs.delete(eventId);
  }

  /**
   * The event next needs a sweep at its earliest live expiry, and no later than `ttlMs` from now: the
   * shortest life a hold made after this sweep can have (the event's hold TTL, or its waitlist offers' TTL
   * when shorter: a release between sweeps can make an offer). Holds a rebuild on another
   * instance brought back may expire sooner; SWEEP_RECHECK_MS bounds how long they can wait for this one.
   */
  plan(eventId: string, nextExpiry: number, redisNow: number, ttlMs: number): void {
    if (!this.#useCommandTime) this.#redisClockOffsetMs = redisNow - Date.now();
    const bound = redisNow + Math.min(ttlMs, SWEEP_RECHECK_MS);
    this.#nextMs.set(eventId, nextExpiry < 0 ? bound : Math.min(nextExpiry, bound));
  }
}
