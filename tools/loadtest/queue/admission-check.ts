// The rules of admission (docs/queue.md), checked from what buyers saw: no buyer admitted twice; never more
// valid passes than maxActive; buyers who joined after salesStartAt admitted first come, first served, behind
// everyone who joined before. A pure function of the observations, so a broken sequence can be fed to it.
// Admission times are the server's own: a pass expires exactly passMinutes after its admission.

/** What one buyer saw of the waiting room. */
export interface BuyerObservation {
  readonly buyerId: string;
  /** Client clock (performance.now()) when the join was sent and when its answer arrived. */
  readonly joinSentMs: number;
  readonly joinAnsweredMs: number;
  /** The join answered `position: null`: the line was not drawn yet, so the buyer joined before the start. */
  readonly joinedBeforeStart: boolean;
  /** Every distinct pass expiry (server ms) the buyer was shown, in the order seen; empty: never admitted. */
  readonly passExpiriesMs: readonly number[];
}

export interface AdmissionRules {
  readonly maxActive: number;
  readonly passMinutes: number;
}

export interface AdmissionFindings {
  readonly admitted: number;
  /** The most passes valid at one time. */
  readonly mostActive: number;
  readonly problems: readonly string[];
}

/** At most this many problems of one kind are listed; the count says how many there were. */
const LISTED_MAX = 5;

export function checkAdmissions(
  observations: readonly BuyerObservation[],
  rules: AdmissionRules,
): AdmissionFindings {
  const problems: string[] = [];
  const passMs = rules.passMinutes * 60_000;
  const admissions: { buyer: BuyerObservation; atMs: number; expiresMs: number }[] = [];
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const buyer of observations) {
    if (seen.has(buyer.buyerId) || buyer.passExpiriesMs.length > 1) twice.push(buyer.buyerId);
    seen.add(buyer.buyerId);
    for (const expiresMs of buyer.passExpiriesMs)
      admissions.push({ buyer, atMs: expiresMs - passMs, expiresMs });
  }
  listed(problems, twice, 'admitted twice (two passes, or two places in the line)');

  const mostActive = mostAtOnce(admissions.map(({ atMs, expiresMs }) => ({ atMs, expiresMs })));
  if (mostActive > rules.maxActive) {
    problems.push(`${mostActive} passes were valid at once, above maxActive ${rules.maxActive}`);
  }

  // Every early joiner is admitted no later than any late joiner.
  const early = admissions.filter((entry) => entry.buyer.joinedBeforeStart);
  const late = admissions.filter((entry) => !entry.buyer.joinedBeforeStart);
  const lastEarly = early.reduce<(typeof early)[number] | undefined>(
    (last, entry) => (last === undefined || entry.atMs > last.atMs ? entry : last),
    undefined,
  );
  const jumped = late.filter((entry) => lastEarly !== undefined && entry.atMs < lastEarly.atMs);
  listed(
    problems,
    jumped.map((entry) => `${entry.buyer.buyerId} before ${lastEarly?.buyer.buyerId}`),
    'joined after the start but admitted before an early joiner',
  );

  // Late joiners: one whose join was answered before another's was sent is admitted no later. Walking the
  // joins by send time, each must come no earlier than the latest admission of those answered before it.
  const byAnswer = [...late].sort((a, b) => a.buyer.joinAnsweredMs - b.buyer.joinAnsweredMs);
  const bySend = [...late].sort((a, b) => a.buyer.joinSentMs - b.buyer.joinSentMs);
  const overtaken: string[] = [];
  let latest: (typeof late)[number] | undefined;
  let next = 0;
  for (const second of bySend) {
    for (; next < byAnswer.length; next++) {
      const first = byAnswer[next] as (typeof late)[number];
      if (first.buyer.joinAnsweredMs >= second.buyer.joinSentMs) break;
      if (latest === undefined || first.atMs > latest.atMs) latest = first;
    }
    if (latest !== undefined && second.atMs < latest.atMs) {
      overtaken.push(`${second.buyer.buyerId} before ${latest.buyer.buyerId}`);
    }
  }
  listed(problems, overtaken, 'admitted out of join order (first come, first served)');
  return { admitted: admissions.length, mostActive, problems };
}

/** The most intervals [atMs, expiresMs) that overlap at one instant. */
function mostAtOnce(intervals: readonly { atMs: number; expiresMs: number }[]): number {
  // Ends sort before starts at the same instant: a pass that expires frees its slot for one admitted then.
  const edges = intervals.flatMap(({ atMs, expiresMs }) => [
    { atMs, delta: 1 },
    { atMs: expiresMs, delta: -1 },
  ]);
  edges.sort((a, b) => a.atMs - b.atMs || a.delta - b.delta);
  let current = 0;
  let most = 0;
  for (const edge of edges) {
    current += edge.delta;
    most = Math.max(most, current);
  }
  return most;
}

function listed(problems: string[], items: readonly string[], what: string): void {
  if (items.length === 0) return;
  const shown = items.slice(0, LISTED_MAX).join(', ');
  const more = items.length > LISTED_MAX ? `, and ${items.length - LISTED_MAX} more` : '';
  problems.push(`queue: ${items.length} ${what}: ${shown}${more}`);
}
