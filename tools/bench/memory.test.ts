// `boxoffice bench --memory` end to end, small: the built CLI prepares a data dir, runs the memory run in a
// process of its own and reports every phase, the rest after the holds included.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { MemoryReport } from './memory.js';

const run = promisify(execFile);

describe('bench --memory', () => {
  it('reads RSS after the holds, after the rest and after the sweep', async () => {
    const { stdout } = await run(
      process.execPath,
      ['dist/cli/main.js', 'bench', '--memory', '--holds', '3000', '--memory-rest', '1', '--json'],
      { timeout: 120_000 },
    );
    const report = JSON.parse(stdout) as MemoryReport;
    expect(report.problems).toEqual([]);
    expect(report.result?.holds).toBe(3000);
    expect(report.result?.phases.map((phase) => phase.label)).toEqual([
      'started, no event',
      'event of 100,000 seats created',
      'after 3,000 holds',
      'then 1 s at rest',
      // At most 40,000 are live at once, so all 3,000 are still held when the clock passes their expiry.
      'after the expiry sweep (3,000 expired)',
    ]);
    // Each phase reads the process's own figures: live heap within the heap, the heap within the RSS.
    for (const phase of report.result?.phases ?? []) {
      expect(phase.heapUsedBytes).toBeGreaterThan(0);
      expect(phase.heapTotalBytes).toBeGreaterThanOrEqual(phase.heapUsedBytes);
      expect(phase.rssBytes).toBeGreaterThan(phase.heapTotalBytes);
    }
  }, 150_000);
});
