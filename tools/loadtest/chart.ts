// throughput.svg: requests per second by outcome (accepted, refused, failed) and the p99 latency of each
// second of a run, as two stacked panels sharing the time axis. Hand-written SVG: a few polylines and labels need no chart library.
import type { SecondOfRun } from './recorder.js';

const WIDTH = 900;
const MARGIN_LEFT = 70;
const MARGIN_RIGHT = 20;
const PANEL_HEIGHT = 170;
const TITLE_HEIGHT = 40;
const PANEL_GAP = 50;
const HEIGHT = TITLE_HEIGHT + 2 * PANEL_HEIGHT + PANEL_GAP + 40;
const Y_TICKS = 4;
const X_LABELS_MAX = 10;

interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

interface Panel {
  readonly title: string;
  readonly top: number;
  readonly series: readonly Series[];
}

export function throughputSvg(timeline: readonly SecondOfRun[], title: string): string {
  const seconds = timeline.map((second) => second.second);
  const panels: Panel[] = [
    {
      // Accepted, refused and failed apart: in a rush most answers are cheap refusals (sold out), and a single
      // total line would show their rate as if it were capacity.
      title: 'requests per second, by outcome',
      top: TITLE_HEIGHT,
      series: [
        { name: 'accepted-per-second', color: '#2ca02c', values: timeline.map((second) => second.ok) },
        { name: 'refused-per-second', color: '#7f7f7f', values: timeline.map((second) => second.refused) },
        { name: 'failed-per-second', color: '#d62728', values: timeline.map((second) => second.errors) },
      ],
    },
    {
      title: 'p99 latency (ms)',
      top: TITLE_HEIGHT + PANEL_HEIGHT + PANEL_GAP,
      series: [{ name: 'p99-ms', color: '#ff7f0e', values: timeline.map((second) => second.p99Ms) }],
    },
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    ...panels.flatMap((panel) => panelSvg(panel, seconds)),
    `<text x="${(MARGIN_LEFT + WIDTH - MARGIN_RIGHT) / 2}" y="${HEIGHT - 8}" text-anchor="middle">seconds since start</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function panelSvg(panel: Panel, seconds: readonly number[]): string[] {
  const plotWidth = WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
  const bottom = panel.top + PANEL_HEIGHT;
  const yMax = niceCeiling(Math.max(0, ...panel.series.flatMap((series) => series.values)));
  const lastSecond = Math.max(1, seconds.length - 1);
  const x = (index: number) => MARGIN_LEFT + (plotWidth * index) / lastSecond;
  const y = (value: number) => bottom - (PANEL_HEIGHT * value) / yMax;
  const parts = [
    `<g class="panel">`,
    `<text x="${MARGIN_LEFT}" y="${panel.top - 6}" font-size="12">${escapeXml(panel.title)}</text>`,
    `<rect x="${MARGIN_LEFT}" y="${panel.top}" width="${plotWidth}" height="${PANEL_HEIGHT}" fill="none" stroke="#999"/>`,
  ];
  for (let tick = 0; tick <= Y_TICKS; tick++) {
    const value = (yMax * tick) / Y_TICKS;
    parts.push(
      `<line x1="${MARGIN_LEFT}" x2="${MARGIN_LEFT + plotWidth}" y1="${fixed(y(value))}" y2="${fixed(y(value))}" stroke="#eee"/>`,
      `<text x="${MARGIN_LEFT - 6}" y="${fixed(y(value) + 4)}" text-anchor="end">${formatTick(value)}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(seconds.length / X_LABELS_MAX));
  for (let index = 0; index < seconds.length; index += step) {
    parts.push(
      `<text x="${fixed(x(index))}" y="${bottom + 14}" text-anchor="middle">${seconds[index]}</text>`,
    );
  }
  panel.series.forEach((series, index) => {
    const points = series.values.map((value, at) => `${fixed(x(at))},${fixed(y(value))}`).join(' ');
    parts.push(
      `<polyline class="series" data-series="${series.name}" fill="none" stroke="${series.color}" stroke-width="1.5" points="${points}"/>`,
      `<text x="${MARGIN_LEFT + plotWidth - 150}" y="${panel.top + 14 + 14 * index}" fill="${series.color}">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</g>');
  return parts;
}

/** The smallest of 1, 2, 5 × 10^n at or above the value, so the axis ends on a round number. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * magnitude >= value) return factor * magnitude;
  }
  return 10 * magnitude;
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
}

function fixed(value: number): string {
  return value.toFixed(1);
}

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
