// Flags of the load-test scenarios: defaults, bounds, and the combinations that make no sense.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../tools/bench/options.js';
import { createdLayout, firstSeatIds, seatMap } from '../../tools/loadtest/event-layout.js';
import { parseLoadTestArgs } from '../../tools/loadtest/options.js';
import { flowRandom } from '../../tools/loadtest/random.js';
import { planFlow } from '../../tools/loadtest/scenarios/mix.js';

const TOKEN = 'a-token-of-enough-length';

describe('load-test flags', () => {
  it('has bounded defaults, and sizes the event per scenario', () => {
    expect(parseLoadTestArgs('pool-rush', [], {})).toMatchObject({
      url: undefined,
      connections: 64,
      durationSeconds: 60,
      requestsMax: 10_000,
      capacity: 1_000,
      seats: 0,
    });
    expect(parseLoadTestArgs('contention', [], {})).toMatchObject({ seats: 1, capacity: 0 });
    expect(parseLoadTestArgs('mix', ['--mix', '50/30/20'], {})).toMatchObject({
      holdTtlSeconds: 10,
      mix: { confirmPercent: 50, releasePercent: 30, abandonPercent: 20 },
    });
  });

  it('takes the admin token of --url from the flag or BOXOFFICE_ADMIN_TOKEN', () => {
    const url = ['--url', 'http://10.0.0.5:8080/'];
    expect(parseLoadTestArgs('mix', [...url, '--admin-token', TOKEN], {})).toMatchObject({
      url: 'http://10.0.0.5:8080',
      adminToken: TOKEN,
    });
    expect(parseLoadTestArgs('mix', url, { BOXOFFICE_ADMIN_TOKEN: TOKEN })).toMatchObject({
      adminToken: TOKEN,
    });
    expect(() => parseLoadTestArgs('mix', url, {})).toThrow(/--admin-token/);
    expect(parseLoadTestArgs('mix', [], { BOXOFFICE_ADMIN_TOKEN: 'short' })).toMatchObject({
      adminToken: undefined,
    });
  });

  it('refuses what is unbounded, malformed or contradictory', () => {
    const bad = [
      ['--requests', '0'],
      ['--duration', '3601'],
      ['--connections', '1e3'],
      ['--mix', '60/20/10'],
      ['--url', 'ftp://host'],
      ['--chart'],
      ['--event', 'e1'],
      ['--url', 'http://h', '--admin-token', TOKEN, '--event', 'e1', '--capacity', '5'],
      ['--warmup', '3'],
      ['--admin-token', TOKEN],
    ];
    for (const args of bad)
      expect(() => parseLoadTestArgs('mix', args, {}), args.join(' ')).toThrow(UsageError);
  });
});

describe('event layout and flows', () => {
  it('lays 1,234 seats out in sections of 20 rows of 25', () => {
    const sections = seatMap(1_234);
    expect(sections.map((section) => section.id)).toEqual(['S1', 'S2', 'S3']);
    const seats = sections.flatMap((section) => section.rows).reduce((sum, row) => sum + row.seats, 0);
    expect(seats).toBe(1_234);
    expect(firstSeatIds(createdLayout('e', 30, 0, 60), 27).slice(24)).toEqual([
      'S1-1-25',
      'S1-2-1',
      'S1-2-2',
    ]);
  });

  it('draws the same flow for the same seed and index, whatever else ran before', () => {
    const layout = createdLayout('e', 200, 1_000, 10);
    const mix = { confirmPercent: 60, releasePercent: 20, abandonPercent: 20 };
    const settings = { seed: 42, users: 50, runTag: 't' };
    expect(planFlow(7, layout, mix, settings)).toEqual(planFlow(7, layout, mix, settings));
    expect(flowRandom(42, 7)()).toBe(flowRandom(42, 7)());
    expect(flowRandom(42, 7)()).not.toBe(flowRandom(42, 8)());
    const endings = Array.from(
      { length: 2_000 },
      (_, index) => planFlow(index, layout, mix, settings).ending,
    );
    const confirmed = endings.filter((ending) => ending === 'confirm').length / endings.length;
    expect(confirmed).toBeGreaterThan(0.55);
    expect(confirmed).toBeLessThan(0.65);
  });
});

describe('--port', () => {
  it('sets the private server port, within 1–65535, and only without --url', () => {
    expect(parseLoadTestArgs('mix', ['--port', '18181'], {})).toMatchObject({ url: undefined, port: 18_181 });
    expect(parseLoadTestArgs('mix', [], {})).toMatchObject({ port: undefined });
    for (const bad of ['0', '65536', 'http']) {
      expect(() => parseLoadTestArgs('mix', ['--port', bad], {})).toThrow(UsageError);
    }
    const url = ['--url', 'http://10.0.0.5:8080', '--admin-token', TOKEN];
    expect(() => parseLoadTestArgs('mix', [...url, '--port', '18181'], {})).toThrow(/--port/);
  });
});
