// The SVG writer: well-formed XML with both series, whatever the title holds.
import { describe, expect, it } from 'vitest';
import { escapeXml, niceCeiling, throughputSvg } from '../../tools/loadtest/chart.js';
import type { SecondOfRun } from '../../tools/loadtest/recorder.js';

/** A small well-formedness check: tags nest and close, attributes are quoted, text has no raw < or stray &. */
function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let roots = 0;
  for (const match of text.matchAll(token)) {
    const [, closing, name, , selfClosing, content, strayBracket] = match;
    if (strayBracket !== undefined) problems.push(`unparsable markup at ${match.index}`);
    else if (content !== undefined) {
      if (open.length === 0 && content.trim() !== '') problems.push('text outside the root element');
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(content)) problems.push(`a bare & in "${content}"`);
    } else if (closing === '/') {
      if (open.pop() !== name) problems.push(`</${name}> closes nothing open`);
    } else {
      if (open.length === 0) roots++;
      if (selfClosing !== '/') open.push(name as string);
    }
  }
  if (open.length > 0) problems.push(`unclosed: ${open.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

function timeline(seconds: number): SecondOfRun[] {
  return Array.from({ length: seconds }, (_, second) => ({
    second,
    requests: 1_000 + 100 * second,
    ok: 900,
    refused: 100 + 100 * second,
    errors: second === 2 ? 3 : 0,
    p99Ms: 4 + second / 2,
  }));
}

describe('throughput.svg', () => {
  it('is well-formed XML with the accepted, refused, failed and p99 series', () => {
    const svg = throughputSvg(timeline(12), 'mix <run> & "quotes"');
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const series of ['accepted-per-second', 'refused-per-second', 'failed-per-second', 'p99-ms']) {
      const points = svg.match(new RegExp(`data-series="${series}"[^>]*points="([^"]*)"`))?.[1];
      expect(points?.split(' ')).toHaveLength(12);
    }
    expect(svg).toContain('mix &lt;run&gt; &amp; &quot;quotes&quot;');
  });

  it('draws the highest point at the top of its panel, on a round axis', () => {
    const svg = throughputSvg(timeline(3), 'run');
    expect(svg).toContain('>750<'); // the busiest outcome peaks at 900: the axis ends at 1,000, ticks of 250
    expect(svg).not.toContain('>1,500<'); // no series adds accepted and refused together
    expect(niceCeiling(1_200)).toBe(2_000);
    expect(niceCeiling(4.5)).toBe(5);
    expect(niceCeiling(0)).toBe(1);
  });

  it('plots accepted and refused requests as separate lines: a rise in refusals leaves accepted flat', () => {
    const svg = throughputSvg(timeline(5), 'run');
    const heights = (series: string) =>
      (svg.match(new RegExp(`data-series="${series}"[^>]*points="([^"]*)"`))?.[1] ?? '')
        .split(' ')
        .map((point) => Number(point.split(',')[1]));
    expect(new Set(heights('accepted-per-second')).size).toBe(1);
    const refused = heights('refused-per-second');
    expect(refused[4]).toBeLessThan(refused[0] ?? 0); // higher on the page: more refusals
    expect(new Set(heights('failed-per-second')).size).toBe(2); // 3 failures in second 2, none elsewhere
  });

  it('stays well-formed for an empty or one-second run', () => {
    expect(xmlProblems(throughputSvg([], 'empty'))).toEqual([]);
    expect(xmlProblems(throughputSvg(timeline(1), 'short'))).toEqual([]);
  });

  it('escapes every XML special character', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
