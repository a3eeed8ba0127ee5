// The /metrics exposition is valid Prometheus text that promtool lints clean, every family carries samples,
// and the Prometheus configuration and alert rules in deploy/ load.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Expositions, familiesOf, scrapeEverything } from './exposed-metrics.js';
import { deployFile, promtool, promtoolAvailable } from './promtool.js';

const hasPromtool = promtoolAvailable('the promtool checks of /metrics and deploy/');

/**
 * Lint problems accepted, with why. prom-client's default metrics name three gauges `*_total` (active
 * handles, requests and resources of the Node.js process): the names are the library's, shared by every
 * Node.js dashboard, and renaming them would break those for a lint rule.
 */
const ACCEPTED_LINT = new Set(
  ['handles', 'requests', 'resources'].map(
    (what) => `boxoffice_nodejs_active_${what}_total non-counter metrics should not have "_total" suffix`,
  ),
);

/**
 * prom-client default families that may rightly have no sample at a given scrape, which a test does not
 * control: the garbage-collection histogram has one series per GC kind, shown after such a collection
 * ran; active requests has one series per kind of libuv request in flight, none when the loop is idle.
 */
const MAY_BE_EMPTY = new Set(['boxoffice_nodejs_gc_duration_seconds', 'boxoffice_nodejs_active_requests']);

describe('the metrics exposition', () => {
  let expositions: Expositions;
  beforeAll(async () => {
    expositions = await scrapeEverything();
  });

  it('has samples in every family after traffic', () => {
    // A family may be empty in one process (no live client sent a message to the embedded app here) when
    // the hand-driven registry of that part shows its samples.
    const families = Object.values(expositions).flatMap((exposition) => [...familiesOf(exposition)]);
    const sampled = new Set(
      families.filter(([, family]) => family.sampleNames.size > 0).map(([name]) => name),
    );
    const empty = families
      .map(([name]) => name)
      .filter((name) => !sampled.has(name) && !MAY_BE_EMPTY.has(name));
    expect(empty).toEqual([]);
    const embedded = familiesOf(expositions.embedded);
    expect([...(embedded.get('boxoffice_event_sold')?.sampleNames ?? [])]).toEqual(['boxoffice_event_sold']);
    expect(expositions.embedded).toMatch(/boxoffice_operations_total\{operation="expire",outcome="ok"\} 1/);
    expect(expositions.embedded).toMatch(
      /boxoffice_gate_call_duration_seconds_count\{operation="placeHold"\} [1-9]/,
    );
  });

  it.skipIf(!hasPromtool)('passes `promtool check metrics`', () => {
    for (const [shape, exposition] of Object.entries(expositions)) {
      const { status, output } = promtool(['check', 'metrics'], exposition);
      const problems = output
        .split('\n')
        .filter((line) => line.trim() !== '' && !ACCEPTED_LINT.has(line.trim()));
      expect(problems, shape).toEqual([]);
      // 3 is "lint problems found": allowed only when every one of them is accepted above.
      expect([0, 3], `${shape}: ${output}`).toContain(status);
    }
  });

  it.skipIf(!hasPromtool)('loads deploy/prometheus.yml with its alert rules', () => {
    const { status, output } = promtool([
      'check',
      'config',
      '--lint=all',
      '--lint-fatal',
      deployFile('prometheus.yml'),
    ]);
    expect(output).toContain('SUCCESS: 1 rule files found');
    expect(status, output).toBe(0);
  });

  it.skipIf(!hasPromtool)('loads deploy/alerts.yml, lint included', () => {
    const { status, output } = promtool([
      'check',
      'rules',
      '--lint=all',
      '--lint-fatal',
      deployFile('alerts.yml'),
    ]);
    expect(status, output).toBe(0);
  });
});
