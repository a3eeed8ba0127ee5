// A rate limit as operators write it: `<count>/<seconds>s` (`600/60s`: 600 requests per 60 s), or `off`.

export interface RateLimit {
  /** Requests allowed in one window. */
  readonly count: number;
  readonly windowSeconds: number;
}

/** Ten million per window: far above any one client, small enough that counters stay exact integers. */
export const RATE_LIMIT_COUNT_MAX = 10_000_000;
/** A day: a longer window is a quota, not a rate limit, and would keep counters alive for days. */
export const RATE_LIMIT_WINDOW_SECONDS_MAX = 86_400;

const FORM = /^([0-9]{1,9})\/([0-9]{1,6})s$/;

/** The limit of `raw`, undefined for `off`, or the problem with it. */
export function parseRateLimit(raw: string): RateLimit | undefined | { problem: string } {
  if (raw === 'off') return undefined;
  const match = FORM.exec(raw);
  const count = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]);
  if (
    match === null ||
    count < 1 ||
    count > RATE_LIMIT_COUNT_MAX ||
    windowSeconds < 1 ||
    windowSeconds > RATE_LIMIT_WINDOW_SECONDS_MAX
  )
    return {
      problem: `must be \`off\` or \`<count>/<seconds>s\` (e.g. \`600/60s\`) with a count from 1 to ${RATE_LIMIT_COUNT_MAX} and 1 to ${RATE_LIMIT_WINDOW_SECONDS_MAX} seconds`,
    };
  return { count, windowSeconds };
}
