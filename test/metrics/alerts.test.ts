// The alert rules of deploy/alerts.yml fire when they should and only then: `promtool test rules` over
// made-up series: a fault for every alert, a healthy instance beside most, all checked at one instant.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deployFile, promtool, promtoolAvailable } from './promtool.js';

const hasPromtool = promtoolAvailable('the promtool unit tests of deploy/alerts.yml');

const api = (instance: string, labels = '') => `{job="boxoffice",instance="${instance}"${labels}}`;
const worker = (instance: string) => `{job="boxoffice-worker",instance="${instance}"}`;
const http = (status: string) =>
  `boxoffice_http_request_duration_seconds_count${api('api-1', `,status="${status}"`)}`;

/** One sample a minute from 0m to 9m, in promtool's expanding notation. */
const INPUT_SERIES: Record<string, string> = {
  [`up${api('api-1')}`]: '1 1 0x7',
  [`up${api('api-2')}`]: '1x9',
  [http('201')]: '0+6000x9', // 100 requests/s
  [http('503')]: '0+120x9', // 2 requests/s: 2% answered 5xx
  [`boxoffice_commit_failed_entries_total${api('api-1')}`]: '0x6 5 5 5',
  [`boxoffice_commit_failed_entries_total${api('api-2')}`]: '0x9',
  [`boxoffice_projector_lag_seconds${worker('w1')}`]: '0.5 0.5 2x7',
  [`boxoffice_projector_lag_seconds${worker('w2')}`]: '0.5x9',
  [`boxoffice_projector_dead_letters_total${worker('w1')}`]: '0x6 1 1 1',
  // Projecting until 3m, then nothing stored while 500 entries wait: stalled from 5m, firing from 7m.
  [`boxoffice_projector_entries_total${worker('w1')}`]: '0+100x3 300x6',
  [`boxoffice_projector_unprojected_entries${worker('w1')}`]: '0x3 500x6',
  [`boxoffice_projector_failed_batches_total${worker('w1')}`]: '0+1x9',
  [`boxoffice_projector_failed_batches_total${worker('w2')}`]: '0x9',
  [`boxoffice_live_dropped_total${api('api-1', ',reason="slow_consumer"')}`]: '0+5x9', // 25 in 5 minutes
  [`boxoffice_live_dropped_total${api('api-2', ',reason="slow_consumer"')}`]: '0+1x9', // 5 in 5 minutes
  [`boxoffice_nodejs_eventloop_lag_p99_seconds${api('api-1')}`]: '0.2x9',
  [`boxoffice_nodejs_eventloop_lag_p99_seconds${api('api-2')}`]: '0.01x9',
  // api-1 delivers nothing while 4 deliveries wait, the oldest 2 h old: behind and stalled; api-2 shows the
  // same shared outbox and delivers nothing either (the sum is what counts).
  [`boxoffice_webhook_oldest_pending_seconds${api('api-1')}`]: '7200+60x9',
  [`boxoffice_webhook_oldest_pending_seconds${api('api-2')}`]: '7200+60x9',
  [`boxoffice_webhook_outbox_depth${api('api-1')}`]: '4x9',
  [`boxoffice_webhook_deliveries_total${api('api-1', ',outcome="succeeded"')}`]: '0x9',
  [`boxoffice_webhook_endpoints_disabled_total${api('api-1', ',reason="gone"')}`]: '0x6 1 1 1',
  [`boxoffice_webhook_endpoints_disabled_total${api('api-1', ',reason="failing"')}`]: '0x9',
};

/** At 8m, exactly these alerts fire, with these labels. */
const FIRING_AT_8M: Record<string, string>[] = [
  { alertname: 'BoxofficeTargetDown', severity: 'critical', job: 'boxoffice', instance: 'api-1' },
  { alertname: 'BoxofficeHttp5xxRate', severity: 'critical', job: 'boxoffice' },
  { alertname: 'BoxofficeCommitFailures', severity: 'critical', instance: 'api-1' },
  { alertname: 'BoxofficeProjectorLag', severity: 'warning', instance: 'w1' },
  { alertname: 'BoxofficeProjectorStalled', severity: 'critical' },
  { alertname: 'BoxofficeProjectorDeadLetters', severity: 'critical' },
  { alertname: 'BoxofficeProjectorFailingBatches', severity: 'warning', instance: 'w1' },
  { alertname: 'BoxofficeLiveDrops', severity: 'warning', instance: 'api-1' },
  { alertname: 'BoxofficeEventLoopLag', severity: 'warning', job: 'boxoffice', instance: 'api-1' },
  { alertname: 'BoxofficeWebhooksBehind', severity: 'warning' },
  { alertname: 'BoxofficeWebhooksStalled', severity: 'critical' },
  { alertname: 'BoxofficeWebhookEndpointDisabled', severity: 'warning', reason: 'gone' },
];

function labelsOf(labels: Record<string, string>): string {
  const pairs = Object.entries({ ...labels, alertstate: 'firing' }).map(
    ([name, value]) => `${name}="${value}"`,
  );
  return `ALERTS{${pairs.join(',')}}`;
}

describe('deploy/alerts.yml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'boxoffice-alerts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasPromtool)('fires each alert on its fault and not on the quiet instance', () => {
    // JSON is YAML, so the test file needs no YAML writer.
    const tests = {
      rule_files: [deployFile('alerts.yml')],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: Object.entries(INPUT_SERIES).map(([series, values]) => ({ series, values })),
          promql_expr_test: [
            {
              expr: 'ALERTS{alertstate="firing"}',
              eval_time: '8m',
              exp_samples: FIRING_AT_8M.map((labels) => ({ labels: labelsOf(labels), value: 1 })),
            },
          ],
        },
      ],
    };
    const file = join(dir, 'alerts.test.yml');
    writeFileSync(file, JSON.stringify(tests, null, 2));
    const { status, output } = promtool(['test', 'rules', file]);
    expect(status, output).toBe(0);
  });
});
