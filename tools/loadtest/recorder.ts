// Everything measured about the requests of a run: per operation kind an HDR histogram of latency and a
// count per outcome, and per second of the run the requests completed and their p99.
import type { Histogram } from 'hdr-histogram-js';
import { type LatencySummary, latencyHistogram, recordLatency, summarize } from './latency.js';
import type { Outcome, OutcomeClass } from './outcome.js';

/** In the order of a flow, which is also the order of the report's tables. */
const OPERATION_KINDS = ['queue-join', 'queue-status', 'hold', 'hold-retry', 'confirm', 'release'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export interface Totals {
  readonly requests: number;
  readonly ok: number;
  readonly refused: number;
  readonly errors: number;
}

/** One second of the run: what completed in it (by completion time) and the p99 of those requests. */
export interface SecondOfRun extends Totals {
  readonly second: number;
  readonly p99Ms: number;
}

export interface Recorded {
  readonly totals: Totals;
  /** Per kind: count per outcome key (`201`, `409 sold_out`). */
  readonly outcomes: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly latency: Readonly<Record<string, LatencySummary>>;
  /** The error outcomes alone, as `<kind> <outcome>`: what made the run fail. */
  readonly errors: Readonly<Record<string, number>>;
  readonly timeline: readonly SecondOfRun[];
}

type MutableTotals = { -readonly [key in keyof Totals]: number };

const emptyTotals = (): MutableTotals => ({ requests: 0, ok: 0, refused: 0, errors: 0 });
const COUNTER_OF: Record<OutcomeClass, keyof Totals> = { ok: 'ok', refused: 'refused', error: 'errors' };

export class Recorder {
  readonly #startMs: number;
  readonly #kinds = new Map<OperationKind, { latency: Histogram; outcomes: Map<string, number> }>();
  readonly #totals = emptyTotals();
  readonly #errors = new Map<string, number>();
  readonly #timeline: SecondOfRun[] = [];
  #second = 0;
  #secondTotals = emptyTotals();
  /** One histogram reused for every second: only the current second's p99 is needed, then it is reset. */
  readonly #secondLatency = latencyHistogram();

  /** `startMs` is on the clock of `record`'s `atMs` (performance.now()). */
  constructor(startMs: number) {
    this.#startMs = startMs;
  }

  get totals(): Totals {
    return { ...this.#totals };
  }

  record(kind: OperationKind, outcome: Outcome, latencyUs: number, atMs: number): void {
    let stats = this.#kinds.get(kind);
    if (stats === undefined) {
      stats = { latency: latencyHistogram(), outcomes: new Map() };
      this.#kinds.set(kind, stats);
    }
    recordLatency(stats.latency, latencyUs);
    stats.outcomes.set(outcome.key, (stats.outcomes.get(outcome.key) ?? 0) + 1);
    this.#count(this.#totals, outcome.class);
    if (outcome.class === 'error') {
      const key = `${kind} ${outcome.key}`;
      this.#errors.set(key, (this.#errors.get(key) ?? 0) + 1);
    }
    this.#advanceTo(Math.floor((atMs - this.#startMs) / 1000));
    this.#count(this.#secondTotals, outcome.class);
    recordLatency(this.#secondLatency, latencyUs);
  }

  /** Closes the timeline at `endMs` and returns the figures; the recorder is not used afterwards. */
  finish(endMs: number): Recorded {
    this.#advanceTo(Math.max(this.#second, Math.ceil((endMs - this.#startMs) / 1000) - 1));
    this.#closeSecond();
    const outcomes: Record<string, Record<string, number>> = {};
    const latency: Record<string, LatencySummary> = {};
    for (const kind of OPERATION_KINDS) {
      const stats = this.#kinds.get(kind);
      if (stats === undefined) continue;
      outcomes[kind] = Object.fromEntries([...stats.outcomes].sort(([a], [b]) => a.localeCompare(b)));
      latency[kind] = summarize(stats.latency);
    }
    const errors = Object.fromEntries(this.#errors);
    return { totals: this.totals, outcomes, latency, errors, timeline: [...this.#timeline] };
  }

  #count(totals: MutableTotals, outcomeClass: OutcomeClass): void {
    totals.requests++;
    totals[COUNTER_OF[outcomeClass]]++;
  }

  /** Completions arrive in time order, so a later second closes the current one and any empty ones between. */
  #advanceTo(second: number): void {
    while (this.#second < second) {
      this.#closeSecond();
      this.#second++;
    }
  }

  #closeSecond(): void {
    const p99Ms = this.#secondTotals.requests === 0 ? 0 : summarize(this.#secondLatency).p99Ms;
    this.#timeline.push({ second: this.#second, ...this.#secondTotals, p99Ms });
    this.#secondTotals = emptyTotals();
    this.#secondLatency.reset();
  }
}
