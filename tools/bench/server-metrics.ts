// The server's own count of what it answered, read from /metrics before and after a scenario: wrk only
// tells 2xx from the rest, the server tells 201 from 409 and sold_out from limit_exceeded. Reading it
// costs the load generator nothing during the measured run.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Samples of the Prometheus text format (labels without escaped quotes, which boxoffice never emits). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

export interface ServerCounts {
  /** HTTP responses of the hold route by status code. */
  readonly holdStatuses: ReadonlyMap<string, number>;
  /** Hold operations by outcome: `ok` or an error code such as sold_out. */
  readonly holdOutcomes: ReadonlyMap<string, number>;
  readonly commits: number;
  readonly committedEntries: number;
  readonly commitSeconds: number;
}

const HOLD_ROUTE = '/v1/events/:eventId/holds';

export function countsOf(samples: readonly Sample[]): ServerCounts {
  const holdStatuses = new Map<string, number>();
  const holdOutcomes = new Map<string, number>();
  let commits = 0;
  let committedEntries = 0;
  let commitSeconds = 0;
  for (const sample of samples) {
    const { name, labels, value } = sample;
    if (name === 'boxoffice_http_request_duration_seconds_count' && labels.route === HOLD_ROUTE) {
      const status = labels.status ?? '?';
      holdStatuses.set(status, (holdStatuses.get(status) ?? 0) + value);
    } else if (name === 'boxoffice_operations_total' && labels.operation === 'hold') {
      const outcome = labels.outcome ?? '?';
      holdOutcomes.set(outcome, (holdOutcomes.get(outcome) ?? 0) + value);
    } else if (name === 'boxoffice_commit_batch_entries_count') commits = value;
    else if (name === 'boxoffice_commit_batch_entries_sum') committedEntries = value;
    else if (name === 'boxoffice_commit_duration_seconds_sum') commitSeconds = value;
  }
  return { holdStatuses, holdOutcomes, commits, committedEntries, commitSeconds };
}

export function countsBetween(before: ServerCounts, after: ServerCounts): ServerCounts {
  return {
    holdStatuses: mapDelta(before.holdStatuses, after.holdStatuses),
    holdOutcomes: mapDelta(before.holdOutcomes, after.holdOutcomes),
    commits: after.commits - before.commits,
    committedEntries: after.committedEntries - before.committedEntries,
    commitSeconds: after.commitSeconds - before.commitSeconds,
  };
}

function mapDelta(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [key, value] of after) {
    const change = value - (before.get(key) ?? 0);
    if (change !== 0) delta.set(key, change);
  }
  return delta;
}

export async function readServerCounts(baseUrl: string): Promise<ServerCounts> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`GET ${baseUrl}/metrics failed (${reason}): is the server still running?`);
  }
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}.`);
  return countsOf(parseMetrics(await response.text()));
}
