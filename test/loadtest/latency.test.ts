// The HDR summary: percentiles of the whole distribution in milliseconds, to HDR's three digits.
import { describe, expect, it } from 'vitest';
import { latencyHistogram, recordLatency, summarize } from '../../tools/loadtest/latency.js';
import { outcomeOf } from '../../tools/loadtest/outcome.js';
import { Recorder } from '../../tools/loadtest/recorder.js';

describe('latency summary', () => {
  it('reads p50, p90, p99, p99.9 and max from 1..10,000 µs', () => {
    const histogram = latencyHistogram();
    for (let us = 1; us <= 10_000; us++) recordLatency(histogram, us);
    const summary = summarize(histogram);
    expect(summary.count).toBe(10_000);
    expect(summary.p50Ms).toBeCloseTo(5, 1);
    expect(summary.p90Ms).toBeCloseTo(9, 1);
    expect(summary.p99Ms).toBeCloseTo(9.9, 1);
    expect(summary.p999Ms).toBeCloseTo(9.99, 1);
    expect(summary.maxMs).toBeCloseTo(10, 1);
  });

  it('keeps a long tail: one 2 s answer among fast ones is the max and the p99.9', () => {
    const histogram = latencyHistogram();
    for (let i = 0; i < 999; i++) recordLatency(histogram, 500);
    recordLatency(histogram, 2_000_000);
    const summary = summarize(histogram);
    expect(summary.p50Ms).toBeCloseTo(0.5, 2);
    expect(summary.p99Ms).toBeCloseTo(0.5, 2);
    expect(summary.maxMs).toBeCloseTo(2_000, -1);
    expect(summary.p999Ms).toBeCloseTo(0.5, 2);
  });
});

describe('recorder', () => {
  const created = outcomeOf({ kind: 'answer', status: 201, body: { id: 'h1' } });
  const soldOut = outcomeOf({ kind: 'answer', status: 409, body: { error: { code: 'sold_out' } } });
  const reset = outcomeOf({ kind: 'failure', error: 'ECONNRESET' });

  it('classifies answers by stable error code', () => {
    expect(created).toMatchObject({ key: '201', class: 'ok' });
    expect(soldOut).toMatchObject({ key: '409 sold_out', class: 'refused' });
    expect(reset).toMatchObject({ key: 'network ECONNRESET', class: 'error' });
    const invalid = outcomeOf({ kind: 'answer', status: 400, body: { error: { code: 'invalid_request' } } });
    expect(invalid.class).toBe('error');
    expect(outcomeOf({ kind: 'answer', status: 503, body: 'Bad gateway' })).toMatchObject({
      key: '503',
      class: 'error',
    });
  });

  it('counts per kind and outcome, and per second with empty seconds kept', () => {
    const recorder = new Recorder(1_000);
    recorder.record('hold', created, 800, 1_100);
    recorder.record('hold', soldOut, 300, 1_200);
    recorder.record('confirm', created, 1_500, 1_900);
    recorder.record('hold', reset, 10_000, 3_500);
    const recorded = recorder.finish(4_200);
    expect(recorded.totals).toEqual({ requests: 4, ok: 2, refused: 1, errors: 1 });
    expect(recorded.outcomes).toEqual({
      hold: { '201': 1, '409 sold_out': 1, 'network ECONNRESET': 1 },
      confirm: { '201': 1 },
    });
    expect(recorded.errors).toEqual({ 'hold network ECONNRESET': 1 });
    expect(recorded.timeline.map((second) => [second.second, second.requests, second.errors])).toEqual([
      [0, 3, 0],
      [1, 0, 0],
      [2, 1, 1],
      [3, 0, 0],
    ]);
    expect(recorded.timeline[0]?.p99Ms).toBeCloseTo(1.5, 2);
    expect(recorded.latency.hold?.count).toBe(3);
  });
});
