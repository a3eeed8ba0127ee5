// The targets of the performance issue, as ratios to the bare Fastify ceiling measured in the same run.
import type { ScenarioResult } from './scenario.js';

/** Accepted holds pay for a decision and a durable group commit; half the bare framework is the target. */
export const ACCEPTED_RATIO_MIN = 0.5;
export const ACCEPTED_LATENCY_MS_P99_MAX = 15;
/** Refusals touch no store: they must cost little more than the framework itself. */
export const REJECTED_RATIO_MIN = 0.8;

export type Verdict = 'PASS' | 'FAIL' | 'ERROR' | '-';

export interface Judged extends ScenarioResult {
  /** Requests per second as a fraction of the ceiling's. */
  readonly ratio: number | undefined;
  readonly target: string;
  readonly verdict: Verdict;
}

export function judge(result: ScenarioResult, ceiling: ScenarioResult | undefined): Judged {
  const ratio =
    ceiling !== undefined && ceiling.requestsPerSecond > 0
      ? result.requestsPerSecond / ceiling.requestsPerSecond
      : undefined;
  const { target, met } = targetOf(result, ratio);
  let verdict: Verdict = met === undefined ? '-' : met ? 'PASS' : 'FAIL';
  if (result.problems.length > 0 || (ceiling !== undefined && ceiling.problems.length > 0)) verdict = 'ERROR';
  return { ...result, ratio, target, verdict };
}

function targetOf(result: ScenarioResult, ratio: number | undefined): { target: string; met?: boolean } {
  switch (result.name) {
    case 'ceiling':
      return { target: '-' };
    case 'accepted':
      return {
        target: `≥ ${ACCEPTED_RATIO_MIN}, p99 ≤ ${ACCEPTED_LATENCY_MS_P99_MAX} ms`,
        met:
          ratio !== undefined &&
          ratio >= ACCEPTED_RATIO_MIN &&
          result.latencyMsP99 <= ACCEPTED_LATENCY_MS_P99_MAX,
      };
    case 'rejected':
      return { target: `≥ ${REJECTED_RATIO_MIN}`, met: ratio !== undefined && ratio >= REJECTED_RATIO_MIN };
  }
}
