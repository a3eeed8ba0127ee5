// The targets of the performance issues, as ratios to the bare Fastify ceiling measured in the same run, per
// shape, and the distributed shape's projector targets.
import type { Shape } from './options.js';
import type { ProjectorBacklogDrain } from './projector-backlog-drain.js';
import type { ProjectorUnderLoad } from './projector-under-load.js';
import type { ScenarioResult } from './scenario.js';

export interface ShapeTargets {
  readonly acceptedRatioMin: number;
  readonly acceptedLatencyMsP99Max: number;
  readonly rejectedRatioMin: number;
}

export const TARGETS: Readonly<Record<Shape, ShapeTargets>> = {
  // Accepted holds pay for a decision and one write of the batch to the log file (the store is projected
  // afterwards). Refusals touch no store: they must cost little more than the framework itself.
  embedded: { acceptedRatioMin: 0.55, acceptedLatencyMsP99Max: 10, rejectedRatioMin: 0.85 },
  // Everything on one 2-core machine (API, Redis with AOF, a worker, PostgreSQL) shares the cores, so less
  // of the ceiling is asked of accepted holds than in the embedded shape.
  distributed: { acceptedRatioMin: 0.4, acceptedLatencyMsP99Max: 10, rejectedRatioMin: 0.85 },
};

/** Verification on the hot path: holds with a buyer token keep this fraction of the open runs' rate. */
export const VERIFIED_RATIO_MIN = 0.9;

/** A worker must drain a backlog far faster than one API process fills it (~20-35k holds/s here). */
export const PROJECTOR_DRAIN_ENTRIES_PER_SECOND_MIN = 50_000;
/** The read side may lag the gate by less than this while holds are accepted, and catch up as fast. */
export const PROJECTOR_LAG_SECONDS_MAX = 1;

export type Verdict = 'PASS' | 'FAIL' | 'ERROR' | '-';

export interface Judged extends ScenarioResult {
  /** Requests per second as a fraction of the ceiling's (`-verified` rows: of the same open run's). */
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
  const targets = TARGETS[result.shape];
  switch (result.name) {
    case 'ceiling':
      return { target: '-' };
    case 'accepted':
      return {
        target: `≥ ${targets.acceptedRatioMin}, p99 ≤ ${targets.acceptedLatencyMsP99Max} ms`,
        met:
          ratio !== undefined &&
          ratio >= targets.acceptedRatioMin &&
          result.latencyMsP99 <= targets.acceptedLatencyMsP99Max,
      };
    case 'rejected':
      return {
        target: `≥ ${targets.rejectedRatioMin}`,
        met: ratio !== undefined && ratio >= targets.rejectedRatioMin,
      };
    case 'accepted-verified':
    case 'rejected-verified':
      return {
        target: `≥ ${VERIFIED_RATIO_MIN} of open`,
        met: ratio !== undefined && ratio >= VERIFIED_RATIO_MIN,
      };
  }
}

export interface JudgedProjector {
  readonly underLoad: ProjectorUnderLoad | undefined;
  readonly backlogDrain: ProjectorBacklogDrain | undefined;
  readonly lagTarget: string;
  /** Lag gauge under load, and the tail's drain after the run, both below PROJECTOR_LAG_SECONDS_MAX. */
  readonly lagVerdict: Verdict;
  readonly drainTarget: string;
  readonly drainVerdict: Verdict;
  readonly problems: readonly string[];
}

export function judgeProjector(
  underLoad: ProjectorUnderLoad | undefined,
  backlogDrain: ProjectorBacklogDrain | undefined,
  problems: readonly string[],
): JudgedProjector {
  const lagLimitMs = PROJECTOR_LAG_SECONDS_MAX * 1000;
  const lagMet =
    underLoad === undefined
      ? undefined
      : underLoad.lagSecondsMax < PROJECTOR_LAG_SECONDS_MAX &&
        underLoad.drainAfterRunMs !== undefined &&
        underLoad.drainAfterRunMs < lagLimitMs;
  const drainRate = backlogDrain?.entriesPerSecond;
  const drainMet = drainRate === undefined ? undefined : drainRate >= PROJECTOR_DRAIN_ENTRIES_PER_SECOND_MIN;
  const verdictOf = (met: boolean | undefined): Verdict =>
    met === undefined || problems.length > 0 ? 'ERROR' : met ? 'PASS' : 'FAIL';
  return {
    underLoad,
    backlogDrain,
    lagTarget: `< ${PROJECTOR_LAG_SECONDS_MAX} s during the accepted run and to drain after it`,
    lagVerdict: verdictOf(lagMet),
    drainTarget: `≥ ${PROJECTOR_DRAIN_ENTRIES_PER_SECOND_MIN.toLocaleString('en-US')} entries/s`,
    drainVerdict: verdictOf(drainMet),
    problems,
  };
}
