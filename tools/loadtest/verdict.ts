// Pass or fail. A run fails when the server's audit of the event is inconsistent or counts any oversell,
// double booking or phantom ticket; when the client's own tally contradicts the answers it got; or when the
// run itself went wrong (5xx, socket errors, unexpected statuses, a server that died).

export interface Verdict {
  readonly passed: boolean;
  readonly problems: readonly string[];
}

/** Counts the audit must report as 0 (API.md's contract); a missing one is a problem too. */
const AUDIT_ZEROES = ['oversold', 'doubleBooked'] as const;

export function auditProblems(audit: unknown): string[] {
  if (typeof audit !== 'object' || audit === null) return ['the audit did not answer with a report'];
  const report = audit as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of AUDIT_ZEROES) {
    const value = report[field];
    if (value !== 0) problems.push(`audit: ${field} is ${JSON.stringify(value) ?? 'missing'}, expected 0`);
  }
  // Phantom tickets are counted by this server's audit though not named by the contract: 0 when present.
  if (report.phantom !== undefined && report.phantom !== 0) {
    problems.push(`audit: phantom is ${JSON.stringify(report.phantom)}, expected 0`);
  }
  if (report.consistent !== true) {
    problems.push(
      `audit: consistent is ${JSON.stringify(report.consistent) ?? 'missing'} (drift ${JSON.stringify(report.drift) ?? 'missing'})`,
    );
  }
  return problems;
}

export function verdictOf(parts: {
  readonly run: readonly string[];
  readonly tally: readonly string[];
  readonly audit: readonly string[];
}): Verdict {
  const problems = [...parts.run, ...parts.tally, ...parts.audit];
  return { passed: problems.length === 0, problems };
}
