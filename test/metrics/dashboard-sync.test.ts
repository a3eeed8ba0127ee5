// The dashboard and the alert rules query only metrics that code exposes: every `boxoffice_*` name in their
// PromQL must be a series of a family exposed by an embedded app after traffic, by the live metrics or by
// the projector metrics. A renamed metric or a typo in a panel fails here, not on a blank graph in a sale.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { familiesOf, queryableNames, scrapeEverything } from './exposed-metrics.js';
import { deployFile } from './promtool.js';

interface Panel {
  readonly type: string;
  readonly title?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly targets?: readonly { readonly expr?: string }[];
  readonly panels?: readonly Panel[];
}

interface Dashboard {
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { name: string; query?: unknown; definition?: string }[] };
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JavaScript template.
const DATASOURCE_UID = '${DS_PROMETHEUS}';

const dashboard = JSON.parse(readFileSync(deployFile('grafana/boxoffice.json'), 'utf8')) as Dashboard;
const alertRules = readFileSync(deployFile('alerts.yml'), 'utf8');

/** Panels in display order, those inside collapsed rows included. */
function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

function dashboardExpressions(): string[] {
  const fromPanels = allPanels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).flatMap((target) => (target.expr === undefined ? [] : [target.expr])),
  );
  // Template variables query Prometheus too (label_values(<metric>, <label>)).
  const fromVariables = dashboard.templating.list.flatMap((variable) =>
    variable.definition === undefined ? [] : [variable.definition],
  );
  return [...fromPanels, ...fromVariables];
}

/**
 * The `expr` of every rule in a rule file: `expr: <one line>`, or `expr: |` and the lines indented deeper.
 * Enough for the file this project writes; the caller checks that it found one per rule.
 */
function ruleExpressions(yaml: string): string[] {
  const lines = yaml.split('\n');
  const expressions: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)expr:\s*(.*)$/.exec(lines[i] as string);
    if (match === null) continue;
    const [, indent = '', value = ''] = match;
    if (!value.startsWith('|') && !value.startsWith('>')) {
      expressions.push(value);
      continue;
    }
    const block: string[] = [];
    while (i + 1 < lines.length && /^\s*$|^\s+/.test(lines[i + 1] as string)) {
      const next = lines[i + 1] as string;
      if (next.trim() !== '' && next.length - next.trimStart().length <= indent.length) break;
      block.push(next);
      i++;
    }
    expressions.push(block.join('\n'));
  }
  return expressions;
}

/**
 * The metric names a PromQL expression reads that start with `boxoffice_`: identifiers outside string
 * literals (label values such as job="boxoffice") and Grafana variables ($__rate_interval, ${event}).
 */
function promqlMetricNames(expression: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < expression.length) {
    const char = expression[i] as string;
    if (char === '"' || char === "'" || char === '`') {
      i++;
      while (i < expression.length && expression[i] !== char) i += expression[i] === '\\' ? 2 : 1;
      i++;
    } else if (char === '$') {
      i++;
      if (expression[i] === '{') while (i < expression.length && expression[i] !== '}') i++;
      else while (i < expression.length && /\w/.test(expression[i] as string)) i++;
    } else if (/[A-Za-z_:]/.test(char)) {
      const identifier = /^[A-Za-z_:][\w:]*/.exec(expression.slice(i))?.[0] as string;
      if (identifier.startsWith('boxoffice_')) names.push(identifier);
      i += identifier.length;
    } else {
      i++;
    }
  }
  return names;
}

describe('dashboard and alert rules against the exposed metrics', () => {
  let exposed: Set<string>;
  beforeAll(async () => {
    const expositions = await scrapeEverything();
    exposed = new Set(
      Object.values(expositions).flatMap((exposition) =>
        [...familiesOf(exposition)].flatMap(([name, family]) => queryableNames(name, family.type)),
      ),
    );
  });

  it('reads metric names out of PromQL, not out of label values or variables', () => {
    const expression =
      'sum by (le) (rate(boxoffice_a_bucket{job="boxoffice_not_a_metric", x=~\'boxoffice_no\'}[$__rate_interval]))' +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JavaScript template.
      ' / on(instance) boxoffice_b:ratio{event=~"$event"} * ${boxoffice_var} * $boxoffice_var';
    expect(promqlMetricNames(expression)).toEqual(['boxoffice_a_bucket', 'boxoffice_b:ratio']);
  });

  it('finds one expression per alert rule', () => {
    const rules = alertRules.match(/^\s*- (alert|record):/gm) ?? [];
    expect(ruleExpressions(alertRules)).toHaveLength(rules.length);
    expect(rules.length).toBeGreaterThan(0);
  });

  it('queries only metrics that code exposes', () => {
    const queried = new Map<string, string>();
    for (const expression of dashboardExpressions())
      for (const name of promqlMetricNames(expression)) queried.set(name, 'deploy/grafana/boxoffice.json');
    for (const expression of ruleExpressions(alertRules))
      for (const name of promqlMetricNames(expression)) queried.set(name, 'deploy/alerts.yml');
    // The histograms' _bucket series and the process metrics make this well over twenty names.
    expect(queried.size).toBeGreaterThan(20);
    const unknown = [...queried]
      .filter(([name]) => !exposed.has(name))
      .map(([name, file]) => `${file}: ${name}`);
    expect(unknown).toEqual([]);
  });

  it('gives every panel a title and the dashboard’s Prometheus data source', () => {
    expect(dashboard.templating.list.map((variable) => variable.name)).toContain('DS_PROMETHEUS');
    for (const panel of allPanels(dashboard.panels)) {
      expect(panel.title, JSON.stringify(panel).slice(0, 200)).toMatch(/\S/);
      // Rows only group panels; they query nothing.
      if (panel.type === 'row') continue;
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: DATASOURCE_UID });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });
});
