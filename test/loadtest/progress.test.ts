// The progress line: rate and ETA from whichever bound comes first; rewritten in place on a terminal only.
import { describe, expect, it } from 'vitest';
import { Progress, progressLine } from '../../tools/loadtest/progress.js';

const snapshot = {
  label: 'mix',
  totals: { requests: 100, ok: 60, refused: 39, errors: 1 },
  elapsedMs: 2_000,
  requestsMax: 400,
  durationMs: 60_000,
};

describe('progress', () => {
  it('shows requests, rate, refusals, errors and the ETA of the nearer bound', () => {
    expect(progressLine(snapshot)).toBe(
      'mix: 100/400 requests, 50 req/s, 39 refused, 1 errors, 2 s, ETA 6 s',
    );
    expect(progressLine({ ...snapshot, durationMs: 5_000 })).toMatch(/ETA 3 s$/);
  });

  it('rewrites one line on a terminal and writes plain lines elsewhere', () => {
    const written: string[] = [];
    const terminal = new Progress(
      { isTTY: true, write: (text: string) => written.push(text) },
      () => snapshot,
    );
    terminal.start();
    terminal.stop();
    expect(written[0]).toBe(`\r${progressLine(snapshot)}\u001b[K`);
    expect(written.at(-1)).toBe('\n');
    const logged: string[] = [];
    const log = new Progress({ isTTY: false, write: (text: string) => logged.push(text) }, () => snapshot);
    log.start();
    log.stop();
    expect(logged).toEqual([`${progressLine(snapshot)}\n`]);
  });
});
