import { describe, expect, it } from 'vitest';
import { configTable, loadConfig } from '../config.js';
import { parseWorkerFlags, WORKER_USAGE } from './worker-usage.js';

describe('boxoffice worker usage', () => {
  it('lists each flag the worker takes with the variable and default of the settings table', () => {
    const table = configTable();
    for (const flag of [
      'redis-url',
      'redis-cluster-nodes',
      'database-url',
      'metrics-port',
      'metrics-host',
      'consumer',
      'claim-idle-ms',
      'log-level',
    ]) {
      const row = table.split('\n').find((line) => line.includes(`\`--${flag}\``));
      const [cell = '', , fallback = ''] = row?.split(' | ') ?? [];
      const variable = cell.replace(/^\| /, '');
      const line = WORKER_USAGE.split('\n').find((text) => text.startsWith(`  --${flag} `));
      expect(line, flag).toContain(`(${variable.replaceAll('`', '')}, default: `);
      const plainFallback = fallback.replaceAll('`', '').replace(/^\((.*)\)$/, '$1');
      expect(line, flag).toContain(`default: ${plainFallback})`);
      expect(parseWorkerFlags([`--${flag}`, 'x'])).toEqual({ [flag]: 'x' });
    }
    expect(WORKER_USAGE).toContain('--metrics-port <value>  (BOXOFFICE_METRICS_PORT, default: 9464)');
    expect(loadConfig({}).metricsPort).toBe(9464);
  });

  it('refuses a flag that is not one of its settings', () => {
    expect(() => parseWorkerFlags(['--port', '80'])).toThrow(/--port/);
    expect(() => parseWorkerFlags(['--no-such-flag'])).toThrow();
  });
});
