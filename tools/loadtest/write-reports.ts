// The files of --out: report.json, summary.md and, with --chart, throughput.svg.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { throughputSvg } from './chart.js';
import type { LoadTestReport } from './report.js';
import { summaryMarkdown } from './summary.js';

/** Writes report.json, summary.md and, with --chart, throughput.svg; returns the paths written. */
export function writeReports(report: LoadTestReport, outDir: string, chart: boolean): string[] {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.json', `${JSON.stringify(report, null, 2)}\n`],
    ['summary.md', summaryMarkdown(report)],
  ];
  if (chart) files.push(['throughput.svg', throughputSvg(report.timeline, chartTitle(report))]);
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}

function chartTitle(report: LoadTestReport): string {
  return `boxoffice bench ${report.scenario}, ${report.startedAt}, ${report.options.connections} connections`;
}
