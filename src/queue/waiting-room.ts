// The waiting room port: who waits for an event's sale, in what order, and who holds a pass. Written in
// domain words; a memory adapter (embedded shape) and a Redis adapter (distributed shape: every key under
// the event's hash tag, one Lua call per operation, time from Redis's TIME) keep the same contract, which
// test/queue/waiting-room.conformance.test.ts runs against both and against a Redis Cluster.

/** An event's queue as the admin sets it (times in epoch ms here; ISO 8601 over HTTP). */
export interface QueueSettings {
  /** Joins are accepted from this time on. */
  readonly opensAtMs: number;
  /** Admission starts; everyone who joined before is in a random order, later joins queue behind them. */
  readonly salesStartAtMs: number;
  readonly admitPerMinute: number;
  /** How long a pass is valid from its admission. */
  readonly passMinutes: number;
  /** Passes valid at once, at most. */
  readonly maxActive: number;
  /** An admin paused admission: nobody is admitted until resumed; waiting buyers keep their places. */
  readonly paused: boolean;
}

export type QueueState = 'waiting' | 'admitted' | 'sold_out' | 'closed';

/** Where one buyer stands, raw: the service turns it into position, estimate and pass. */
export interface Standing {
  readonly state: QueueState;
  /** 1 for the next to be admitted; undefined before the sales start (the order is not drawn yet) or when not waiting. */
  readonly position?: number;
  /** Buyers waiting in all (the line's length). */
  readonly waiting: number;
  readonly joinedAtMs: number;
  /** Admitted: when the pass stops being valid. */
  readonly passExpiresAtMs?: number;
  /** Buyers admitted in the last measurement window (QUEUE_RATE_WINDOW_MS), for the estimate. */
  readonly admittedInWindow: number;
  /** The time the standing was read at (Redis: its TIME). */
  readonly nowMs: number;
}

/** What the gate says of the event's stock at an admission step. */
export interface Stock {
  readonly available: number;
  readonly held: number;
  readonly salesOpen: boolean;
}

export interface Admitted {
  readonly buyerId: string;
  readonly joinedAtMs: number;
  readonly passExpiresAtMs: number;
}

/** What one admission step did and found. */
export interface AdmissionStep {
  readonly admitted: readonly Admitted[];
  /** Waiting buyers dropped because they were not heard from in time. */
  readonly abandoned: number;
  readonly waiting: number;
  /** Passes still valid after the step. */
  readonly active: number;
  readonly soldOut: boolean;
  readonly admittedInWindow: number;
  readonly nowMs: number;
}

export interface WaitingRoom {
  /** Sets (or replaces) the event's queue settings; its line and passes stay. */
  configure(eventId: string, settings: QueueSettings): Promise<void>;
  settings(eventId: string): Promise<QueueSettings | undefined>;
  /** Every event with a queue. */
  queuedEvents(): Promise<string[]>;
  /**
   * Joins the buyer (or finds it: joining again keeps its place). `draw` in [0, 1) orders the buyer among the
   * early joiners when it joins before the sales start; later joiners queue first come, first served.
   * 'not_open' before opensAt, undefined when the event has no queue.
   */
  join(
    eventId: string,
    buyerId: string,
    draw: number,
    nowMs: number,
  ): Promise<Standing | 'not_open' | undefined>;
  /** Where the buyers stand (undefined: not in the line), and they are heard from now. */
  standings(eventId: string, buyerIds: readonly string[], nowMs: number): Promise<(Standing | undefined)[]>;
  /**
   * One admission step: expires passes, drops buyers not heard from since `abandonBeforeMs`, marks the
   * queue sold out (or not) from the stock, and admits as many as the rate, maxActive and the stock allow.
   */
  admit(
    eventId: string,
    stock: Stock,
    abandonAfterMs: number,
    nowMs: number,
  ): Promise<AdmissionStep | undefined>;
}

/** Admitted in the last minute is the measured admission rate the estimates use. */
export const QUEUE_RATE_WINDOW_MS = 60_000;
/**
 * Passes valid at once, at most this many per ticket still available: enough that buyers who look and leave
 * do not stall the sale, few enough that most admitted buyers find something to buy.
 */
export const PASSES_PER_AVAILABLE_TICKET = 2;
/** Admission credit saved up while nobody could be admitted: at most this many seconds of the rate. */
export const ADMISSION_BURST_SECONDS = 5;
/** Buyers admitted or dropped per step at most: a step is one Lua call and must stay short. */
export const ADMISSION_STEP_MAX = 1_000;
/** Buyers whose standing one call reads at most (the live push batches by this). */
export const STANDINGS_BATCH_MAX = 500;
