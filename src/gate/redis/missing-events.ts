// Rebuild triggering: an event whose keys Redis lacks is rebuilt from the store on first use (rebuild.ts),
// and the answers that cost a look-up are remembered for a while (unknown ids, events found lost).
import { DomainError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import type { IdempotencyLimits } from '../memory/idempotency-book.js';
import { ExpiringIds } from './expiring-ids.js';
import { type RebuildResult, rebuildEvent } from './rebuild.js';
import type { GateScripts, RedisClient } from './scripts.js';

/**
 * An event id the store did not know is not asked about again for this long: requests naming made-up
 * events must not each cost a rebuild attempt (several Redis calls and queries). An event created on
 * another instance meanwhile is found after at most this long.
 */
const UNKNOWN_EVENT_TTL_MS = 1_000;
/** Bound of that memory of unknown ids (and of lost ones), oldest forgotten first. */
const UNKNOWN_EVENTS_MAX = 10_000;
/**
 * An event found lost (Redis lost its state, rebuild.ts) is refused without asking Redis and the store again
 * for this long: a sale's worth of requests must not each cost a look-up. A reconcile on another instance
 * is noticed after at most this long.
 */
const LOST_EVENT_TTL_MS = 1_000;

/** Rebuilds an event's keys from the store (reconcile, and the start of an API process). */
export interface EventRebuilder {
  /** When the keys are missing, or always with `force` (reconcile; the event's decisions pause meanwhile). */
  rebuild(eventId: string, force?: boolean): Promise<RebuildResult>;
}

export interface MissingEventsOptions {
  readonly redis: RedisClient;
  readonly scripts: GateScripts;
  /** The system of record; without it a missing event is simply unknown. */
  readonly store: Store | undefined;
  readonly idempotencyLimits: IdempotencyLimits;
  /** Told before every rebuild (restored holds may expire before the sweep this instance planned). */
  readonly onRebuild: (eventId: string) => void;
}

export class MissingEvents implements EventRebuilder {
  readonly #options: MissingEventsOptions;
  readonly #unknown = new ExpiringIds(UNKNOWN_EVENT_TTL_MS, UNKNOWN_EVENTS_MAX);
  readonly #lost = new ExpiringIds(LOST_EVENT_TTL_MS, UNKNOWN_EVENTS_MAX);

  constructor(options: MissingEventsOptions) {
    this.#options = options;
  }

  /** The event was created here: it is no longer unknown. */
  noteCreated(eventId: string): void {
    this.#unknown.forget(eventId);
  }

  async rebuild(eventId: string, force = false): Promise<RebuildResult> {
    const { store, redis, scripts, idempotencyLimits } = this.#options;
    if (store === undefined) throw new Error('This gate has no store to rebuild from.');
    this.#options.onRebuild(eventId);
    if (force) this.#lost.forget(eventId);
    return rebuildEvent(eventId, { redis, scripts, store, nowMs: Date.now(), force, idempotencyLimits });
  }

  /**
   * Rebuilds an event whose keys are missing: true when it is there now, false when the store does not know
   * it either. Throws `event_needs_reconcile` when Redis lost it (see rebuild.ts).
   */
  async rebuildMissing(eventId: string): Promise<boolean> {
    if (this.#options.store === undefined) return false;
    if (this.#lost.has(eventId, Date.now())) throw needsReconcile();
    if (this.#unknown.has(eventId, Date.now())) return false;
    const result = await this.rebuild(eventId);
    if (result === 'lost') {
      this.#lost.note(eventId, Date.now());
      throw needsReconcile();
    }
    if (result !== 'unknown') return true;
    this.#unknown.note(eventId, Date.now());
    return false;
  }
}

function needsReconcile(): DomainError {
  return new DomainError('event_needs_reconcile');
}
