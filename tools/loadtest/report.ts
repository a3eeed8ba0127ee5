// report.json: everything a run measured and concluded, for machines (CI gates, dashboards, diffs between
// runs). The Markdown summary (summary.ts) and the chart (chart.ts) are drawn from it; write-reports.ts
// writes the three.
import type { EventLayout } from './event-layout.js';
import type { LoadTestOptions } from './options.js';
import type { QueueSummary } from './queue/queue-event.js';
import type { Recorded } from './recorder.js';
import type { StopReason } from './runner.js';
import type { TallySummary } from './tally-check.js';
import type { Verdict } from './verdict.js';

export interface LoadTestReport extends Recorded {
  readonly tool: 'boxoffice bench';
  readonly scenario: LoadTestOptions['scenario'];
  readonly startedAt: string;
  readonly elapsedSeconds: number;
  readonly stopReason: StopReason;
  readonly flows: number;
  /** The options of the run, without the admin token. */
  readonly options: Omit<LoadTestOptions, 'adminToken'>;
  readonly target: { readonly url: string; readonly private: boolean };
  readonly event: EventSummary;
  readonly throughputPerSecond: number;
  readonly tally: TallySummary;
  /** The audit as the server answered it; null when it could not be read. */
  readonly audit: unknown;
  readonly verdict: Verdict;
  /** The queue scenario's waiting room and what the buyers saw of it. */
  readonly queue?: QueueSummary;
}

export interface EventSummary {
  readonly id: string;
  readonly created: boolean;
  readonly capacity: number;
  readonly seats: number;
  readonly sections: number;
  readonly pools: EventLayout['pools'];
  readonly holdTtlSeconds: number;
  readonly maxPerUser: number;
}

export function eventSummary(layout: EventLayout): EventSummary {
  const seats = layout.sections.reduce(
    (sum, section) => sum + section.rows.reduce((rowSum, row) => rowSum + row.seats, 0),
    0,
  );
  return {
    id: layout.eventId,
    created: layout.created,
    capacity: layout.capacity,
    seats,
    sections: layout.sections.length,
    pools: layout.pools,
    holdTtlSeconds: layout.holdTtlSeconds,
    maxPerUser: layout.maxPerUser,
  };
}

export function reportedOptions(options: LoadTestOptions): LoadTestReport['options'] {
  const { adminToken: _secret, ...rest } = options;
  return rest;
}
