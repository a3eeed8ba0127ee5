// Latency as HDR histograms: microseconds recorded exactly to three significant digits, percentiles read
// from the whole distribution (not from samples), reported in milliseconds.
import { build, type Histogram } from 'hdr-histogram-js';

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/** A histogram of microseconds; it grows as needed, so a 10 s timeout fits as well as a 100 µs answer. */
export function latencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** Records one latency; sub-microsecond answers count as 1 µs, the histogram's smallest value. */
export function recordLatency(histogram: Histogram, latencyUs: number): void {
  histogram.recordValue(Math.max(1, Math.round(latencyUs)));
}

export function summarize(histogram: Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  // A percentile is the top of its bucket, which may lie a little above the largest value recorded.
  const at = (percentile: number) =>
    ms(Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue));
  return {
    count: histogram.totalCount,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    p999Ms: at(99.9),
    maxMs: ms(histogram.maxValue),
  };
}
