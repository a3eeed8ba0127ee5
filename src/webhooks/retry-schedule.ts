// When to try a failed delivery again: the Standard Webhooks schedule (immediately, then 5 s, 5 min, 30 min,
// 2 h, 5 h, 10 h, 10 h), each delay spread by ±20% so that endpoints that failed together are not retried
// together. A `Retry-After` the receiver sends is honoured when it asks for more, up to a day.

export const RETRY_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** The longest wait a `Retry-After` obtains: a receiver cannot park its messages for ever. */
export const RETRY_AFTER_MAX_MS = 24 * 3_600_000;

/** Spread of each delay: ±JITTER of it. */
const JITTER = 0.2;

/**
 * The delay before the next try after `attempts` tries have failed, or undefined when the schedule is
 * exhausted and the delivery is given up. `random` is in [0, 1).
 */
export function retryDelayMs(
  schedule: readonly number[],
  attempts: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  const step = schedule[attempts - 1];
  if (step === undefined) return undefined;
  const jittered = Math.round(step * (1 - JITTER + 2 * JITTER * random()));
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, RETRY_AFTER_MAX_MS));
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
