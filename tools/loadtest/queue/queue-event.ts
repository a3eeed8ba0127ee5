// The waiting room the queue scenario puts in front of its event, and the report's account of it.
import type { LoadTestOptions } from '../options.js';
import { HARD_LIMIT_GRACE_MS } from '../runner.js';
import type { AdmissionFindings } from './admission-check.js';
import type { QueueRun } from './queue-run.js';

/** opensAt lies this far in the past, so that a server whose clock is a little behind still takes the joins. */
const OPENED_BEFORE_MS = 60_000;

/** Passes outlive the run: none expires during it, so every pass admitted is valid until the end. */
export function passMinutesOf(options: LoadTestOptions): number {
  const runMs = options.durationSeconds * 1000 + HARD_LIMIT_GRACE_MS;
  return Math.min(1_440, Math.ceil(runMs / 60_000) + 1);
}

/** The `queue` of POST /v1/events, and how long from now its sales start. */
export function queueDefinition(options: LoadTestOptions, nowMs: number) {
  const startInMs = options.queue.startDelaySeconds * 1000;
  return {
    startInMs,
    body: {
      opensAt: new Date(nowMs - OPENED_BEFORE_MS).toISOString(),
      salesStartAt: new Date(nowMs + startInMs).toISOString(),
      admitPerMinute: options.queue.admitPerMinute,
      passMinutes: passMinutesOf(options),
      maxActive: options.queue.maxActive,
    },
  };
}

export interface QueueSummary {
  readonly buyers: number;
  readonly joined: number;
  readonly joinedBeforeStart: number;
  readonly admitted: number;
  readonly mostActive: number;
  readonly maxActive: number;
  readonly admitPerMinute: number;
  /** The buyers' last status: admitted, sold_out, closed, waiting (at the deadline), unanswered. */
  readonly lastStates: Readonly<Record<string, number>>;
}

export function queueSummary(
  run: QueueRun,
  findings: AdmissionFindings,
  options: LoadTestOptions,
): QueueSummary {
  return {
    buyers: options.users,
    joined: run.observations.length,
    joinedBeforeStart: run.observations.filter((buyer) => buyer.joinedBeforeStart).length,
    admitted: findings.admitted,
    mostActive: findings.mostActive,
    maxActive: options.queue.maxActive,
    admitPerMinute: options.queue.admitPerMinute,
    lastStates: run.lastStates,
  };
}
