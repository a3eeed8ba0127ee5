// The waiting room's use cases: joining and status (with position, estimate and pass), the admission steps
// every instance runs, and the pass check of placements. The check reads only this instance's copy of which
// events have a queue (refreshed by every admission step), never Redis or the store.
import { randomInt } from 'node:crypto';
import type { Gate } from '../gate/gate.js';
import type { PassRefusal, QueuePasses } from './passes.js';
import type { QueueMetrics } from './queue-metrics.js';
import {
  type AdmissionStep,
  QUEUE_RATE_WINDOW_MS,
  type QueueSettings,
  type QueueState,
  STANDINGS_BATCH_MAX,
  type Standing,
  type WaitingRoom,
} from './waiting-room.js';

/** How often each instance runs an admission step per queued event: the delay of sold_out and admissions. */
export const ADMISSION_INTERVAL_MS = 250;

export interface QueueServiceDeps {
  readonly room: WaitingRoom;
  readonly passes: QueuePasses;
  readonly gate: Pick<Gate, 'eventState'>;
  readonly clock: () => number;
  readonly abandonAfterMs: number;
  /** A uniform draw in [0, 1) per early joiner: crypto randomness; tests give a seeded one. */
  readonly draw?: () => number;
  readonly metrics?: QueueMetrics;
  readonly onError?: (error: unknown) => void;
}

/** What a buyer is told: POST /v1/events/:id/queue, GET …/queue/me and the live queue channel. */
export interface QueueView {
  readonly eventId: string;
  readonly state: QueueState;
  /** 1: next to be admitted; null before the sales start (the order is drawn then) and once admitted. */
  readonly position: number | null;
  readonly ahead: number | null;
  readonly estimatedWaitSeconds: number | null;
  readonly queueToken: string;
  /** Admitted: the pass to send as `Queue-Pass` with placements, and when it stops being valid. */
  readonly pass?: string;
  readonly passExpiresAt?: string;
}

/** 53 random bits from the operating system's generator: a uniform draw in [0, 1). */
export function cryptoDraw(): number {
  return (randomInt(2 ** 26) * 2 ** 27 + randomInt(2 ** 27)) / 2 ** 53;
}

export class QueueService {
  readonly #deps: QueueServiceDeps;
  readonly #draw: () => number;
  /** The events with a queue, as this instance last read them. */
  readonly #queued = new Map<string, QueueSettings>();
  #timer: NodeJS.Timeout | undefined;
  #stepping = false;

  constructor(deps: QueueServiceDeps) {
    this.#deps = deps;
    this.#draw = deps.draw ?? cryptoDraw;
  }

  async configure(eventId: string, settings: QueueSettings): Promise<void> {
    await this.#deps.room.configure(eventId, settings);
    this.#queued.set(eventId, settings);
  }

  async settings(eventId: string): Promise<QueueSettings | undefined> {
    return this.#queued.get(eventId) ?? (await this.#deps.room.settings(eventId));
  }

  /** At start: queues the store knows and the room lost (memory: always) are set up again. */
  async restore(queues: readonly { eventId: string; settings: QueueSettings }[]): Promise<void> {
    for (const { eventId, settings } of queues) {
      const kept = await this.#deps.room.settings(eventId);
      if (kept === undefined) await this.#deps.room.configure(eventId, settings);
      this.#queued.set(eventId, kept ?? settings);
    }
  }

  async join(eventId: string, buyerId: string): Promise<QueueView | 'not_open' | undefined> {
    const standing = await this.#deps.room.join(eventId, buyerId, this.#draw(), this.#deps.clock());
    if (standing === undefined || standing === 'not_open') return standing;
    return this.#view(eventId, buyerId, standing, await this.settings(eventId));
  }

  async status(eventId: string, buyerId: string): Promise<QueueView | undefined> {
    const [view] = await this.statuses(eventId, [buyerId]);
    return view;
  }

  /** Views of many buyers of one event (the live push), read in batches; they are heard from now. */
  async statuses(eventId: string, buyerIds: readonly string[]): Promise<(QueueView | undefined)[]> {
    const settings = await this.settings(eventId);
    const views: (QueueView | undefined)[] = [];
    for (let from = 0; from < buyerIds.length; from += STANDINGS_BATCH_MAX) {
      const batch = buyerIds.slice(from, from + STANDINGS_BATCH_MAX);
      const standings = await this.#deps.room.standings(eventId, batch, this.#deps.clock());
      standings.forEach((standing, i) => {
        views.push(standing && this.#view(eventId, batch[i] as string, standing, settings));
      });
    }
    return views;
  }

  /** Whether the event has a waiting room, as this instance last read it (no I/O). */
  hasQueue(eventId: string): boolean {
    return this.#queued.has(eventId);
  }

  /** Whether this buyer may place on this event now: undefined when it may (or the event has no queue). */
  checkPass(eventId: string, buyerId: string, pass: string | undefined): PassRefusal | undefined {
    if (!this.#queued.has(eventId)) return undefined;
    return this.#deps.passes.check(eventId, buyerId, pass, this.#deps.clock());
  }

  buyerOfQueueToken(eventId: string, token: string): string | undefined {
    return this.#deps.passes.buyerOfQueueToken(eventId, token);
  }

  /**
   * One admission step for every queued event (and this instance learns queues set up elsewhere); returns
   * what each step did, by event.
   */
  async step(): Promise<Map<string, AdmissionStep>> {
    const { room, gate, metrics } = this.#deps;
    const steps = new Map<string, AdmissionStep>();
    for (const eventId of await room.queuedEvents()) {
      const settings = await room.settings(eventId);
      if (settings === undefined) continue;
      this.#queued.set(eventId, settings);
      const state = await gate.eventState(eventId);
      if (state === undefined) continue;
      const stock = { available: state.available, held: state.held, salesOpen: state.salesOpen };
      const step = await room.admit(eventId, stock, this.#deps.abandonAfterMs, this.#deps.clock());
      if (step === undefined) continue;
      metrics?.step(eventId, step);
      steps.set(eventId, step);
    }
    return steps;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      // A step slower than the interval (Redis far away) is not stacked with the next one.
      if (this.#stepping) return;
      this.#stepping = true;
      this.step()
        .catch((error: unknown) => this.#deps.onError?.(error))
        .finally(() => {
          this.#stepping = false;
        });
    }, ADMISSION_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #view(
    eventId: string,
    buyerId: string,
    standing: Standing,
    settings: QueueSettings | undefined,
  ): QueueView {
    const queueToken = this.#deps.passes.queueToken(eventId, buyerId);
    const base = { eventId, state: standing.state, queueToken };
    if (standing.state === 'admitted') {
      const expiresAtMs = standing.passExpiresAtMs as number;
      return {
        ...base,
        position: null,
        ahead: null,
        estimatedWaitSeconds: 0,
        pass: this.#deps.passes.issue(eventId, buyerId, expiresAtMs),
        passExpiresAt: new Date(expiresAtMs).toISOString(),
      };
    }
    const position = standing.position ?? null;
    const estimate =
      standing.state === 'waiting' && settings !== undefined ? estimateSeconds(standing, settings) : null;
    return {
      ...base,
      position,
      ahead: position === null ? null : position - 1,
      estimatedWaitSeconds: estimate,
    };
  }
}

/**
 * The wait from the measured admission rate: buyers admitted in the last minute (or since the start, when
 * that is shorter). Until the first admission is measured, the configured rate stands in. Before the start,
 * the order is not drawn yet: the time to the start plus the wait of the middle of the line.
 */
export function estimateSeconds(standing: Standing, settings: QueueSettings): number {
  const sinceStartMs = standing.nowMs - settings.salesStartAtMs;
  const windowMs = Math.min(QUEUE_RATE_WINDOW_MS, Math.max(1_000, sinceStartMs));
  const measuredPerSecond = (standing.admittedInWindow * 1000) / windowMs;
  const perSecond = measuredPerSecond > 0 ? measuredPerSecond : settings.admitPerMinute / 60;
  if (standing.position !== undefined) return Math.ceil(standing.position / perSecond);
  const toStart = Math.max(0, -sinceStartMs) / 1000;
  return Math.ceil(toStart + (standing.waiting + 1) / 2 / perSecond);
}
