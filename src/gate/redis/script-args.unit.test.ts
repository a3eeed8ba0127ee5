// The scripts' arguments, the gate's, the waiting room's and the rate limiter's: each script declares a fixed
// list (check_args in its file, after its header), a variable tail only after its count, and reads no
// argument past the list; the builders (script-args.ts, queue-script-args.ts, take-quota-args.ts) give
// exactly what each declares, whatever the case.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventSpec, Hold } from '../../domain/types.js';
import { admitArgs, joinArgs, standingsArgs } from '../../queue/redis/queue-script-args.js';
import { QUEUE_FILES, QUEUE_PRELUDE, type QueueScriptName } from '../../queue/redis/queue-scripts.js';
import type { Take } from '../../ratelimit/counter.js';
import { TAKE_QUOTA_FILE } from '../../ratelimit/redis-counter.js';
import { takeQuotaCall } from '../../ratelimit/take-quota-args.js';
import { IDEMPOTENCY_LIMITS } from '../memory/idempotency-book.js';
import { layoutOf } from './layout.js';
import {
  cancelOrderArgs,
  confirmArgs,
  createEventArgs,
  extendArgs,
  loadEventArgs,
  placeArgs,
  placeBatchArgs,
  releaseArgs,
  seatMapArgs,
  sweepArgs,
  updateEventArgs,
  viewArgs,
  waitlistArgs,
} from './script-args.js';
import { PRELUDES, type ScriptArg, type ScriptName, scriptFiles } from './scripts.js';

const LUA = new URL('./lua/', import.meta.url);
const QUEUE_LUA = new URL('../../queue/redis/lua/', import.meta.url);
const RATE_LUA = new URL('../../ratelimit/lua/', import.meta.url);

function code(file: string, directory = LUA): string {
  return readFileSync(new URL(file, directory), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
}

/** The waiting room's and the rate limiter's scripts: name → its code without comments. */
const OTHER_SCRIPTS: Record<QueueScriptName | 'takeQuota', string> = {
  join: code(QUEUE_FILES.join, QUEUE_LUA),
  standings: code(QUEUE_FILES.standings, QUEUE_LUA),
  admit: code(QUEUE_FILES.admit, QUEUE_LUA),
  takeQuota: code(TAKE_QUOTA_FILE, RATE_LUA),
};
type OtherName = keyof typeof OTHER_SCRIPTS;

function codeOf(name: ScriptName | OtherName): string {
  return name in OTHER_SCRIPTS
    ? OTHER_SCRIPTS[name as OtherName]
    : code(scriptFiles()[name as ScriptName].file);
}

/** A script's declared arguments: `fixed`, and with `tailWidth` a tail of entries counted by the last fixed one. */
function declaredArgs(name: ScriptName | OtherName): { fixed: number; tailWidth?: number } {
  return declaredIn(codeOf(name), name);
}

function declaredIn(text: string, name: string): { fixed: number; tailWidth?: number } {
  const match = /^check_args\(ARGV, (\d+)(?:, (\d+))?\)$/m.exec(text);
  if (match === null) throw new Error(`${name} declares no arguments`);
  return match[2] === undefined
    ? { fixed: Number(match[1]) }
    : { fixed: Number(match[1]), tailWidth: Number(match[2]) };
}

/** Why `args` is not what the script declares, or undefined when it is. */
function misfit(name: ScriptName | OtherName, args: readonly ScriptArg[]): string | undefined {
  const { fixed, tailWidth } = declaredArgs(name);
  const expected = tailWidth === undefined ? fixed : fixed + tailWidth * Number(args[fixed - 1]);
  return args.length === expected ? undefined : `${name}: ${args.length} arguments, declared ${expected}`;
}

/** What breaks the argument convention in a script's code: its own file, wrapped or not. */
function breaches(file: string, text: string, wrapped: boolean): string[] {
  const found: string[] = [];
  if (/ARGV\[#ARGV/.test(text)) found.push(`${file}: ARGV[#ARGV]`);
  if (/ARGV\[[^\]]+\]\s+or\b/.test(text)) found.push(`${file}: an argument with a default`);
  if (/for \w+ = [^\n]*, #ARGV\b/.test(text)) found.push(`${file}: a loop to the last argument`);
  if (wrapped) return found;
  const { fixed } = declaredIn(text, file);
  for (const [, n] of text.matchAll(/ARGV\[(\d+)\]/g))
    if (Number(n) > fixed) found.push(`${file}: ARGV[${n}] past its ${fixed}`);
  return found;
}

const SPEC: EventSpec = {
  id: 'ev1',
  name: 'Night',
  venue: 'Hall',
  startsAt: '2027-01-01T20:00:00.000Z',
  holdTtlSeconds: 60,
  maxPerUser: 6,
  pools: [
    { id: 'ga', name: 'GA', capacity: 100, price: 50 },
    { id: 'vip', name: 'VIP', capacity: 10, price: 200 },
  ],
  sections: [
    {
      id: 'A',
      name: 'A',
      price: 500,
      rows: [
        { id: '1', seats: 4 },
        { id: '2', seats: 5 },
      ],
    },
  ],
};
const LAYOUT = layoutOf(SPEC);

function hold(items: Hold['items']): Hold {
  return {
    id: 'h.ev1.x',
    eventId: 'ev1',
    userId: 'u',
    status: 'confirmed',
    items,
    total: 100,
    createdAtMs: 1,
    expiresAtMs: 2,
  };
}

function place(request: PlaceRequest) {
  const command = { eventId: 'ev1', request, confirm: false, nowMs: 0 };
  const target =
    request.seats !== undefined
      ? { kind: 'seats' as const, seatIds: request.seats }
      : request.poolId !== undefined
        ? { kind: 'pool' as const, poolId: request.poolId, quantity: request.quantity ?? 1 }
        : {
            kind: 'section' as const,
            sectionId: request.sectionId as string,
            quantity: request.quantity ?? 1,
          };
  return placeArgs(command, LAYOUT, target, 0, IDEMPOTENCY_LIMITS);
}

interface PlaceRequest {
  userId: string;
  quantity?: number;
  poolId?: string;
  sectionId?: string;
  seats?: string[];
}

describe('the gate scripts declare their arguments', () => {
  const files = scriptFiles();

  it('as a fixed list checked first, each one wrapping another excepted (it counts its own)', () => {
    for (const { file, wraps } of Object.values(files)) {
      const first = code(file).trimStart().split('\n')[0];
      if (wraps === undefined) expect(first, file).toMatch(/^check_args\(ARGV, \d+(, \d+)?\)$/);
      else expect(code(file), file).toMatch(/#ARGV then error\(/);
    }
  });

  it('and read none past it, nor a trailing one by position, nor an optional one with a default', () => {
    const found: string[] = [];
    for (const { file, wraps } of Object.values(files))
      found.push(...breaches(file, code(file), wraps !== undefined));
    for (const prelude of [...Object.values(PRELUDES)].map((file) => code(file)))
      if (/\bARGV\b/.test(prelude)) found.push(`a gate prelude reads ARGV: the script's, hidden from it`);
    expect(found).toEqual([]);
  });

  it("the waiting room's and the rate limiter's as well, each checking first", () => {
    const found: string[] = [];
    for (const [name, text] of Object.entries(OTHER_SCRIPTS)) {
      const first = text.trimStart().split('\n')[0];
      if (!/^check_args\(ARGV, \d+(, \d+)?\)$/.test(first as string)) found.push(`${name} checks later`);
      found.push(...breaches(name, text, false));
    }
    if (/\bARGV\b/.test(code(QUEUE_PRELUDE, QUEUE_LUA))) found.push(`${QUEUE_PRELUDE} reads ARGV`);
    expect(found).toEqual([]);
    expect(declaredArgs('standings')).toEqual({ fixed: 3, tailWidth: 1 });
    expect(declaredArgs('takeQuota')).toEqual({ fixed: 1, tailWidth: 3 });
  });

  it('catch a hidden tail, a default and a read past the list', () => {
    expect(breaches('x', 'check_args(ARGV, 2)\nfor i = 3, #ARGV do end', false)).toHaveLength(1);
    expect(breaches('x', 'check_args(ARGV, 2)\nlocal a = ARGV[2] or 0', false)).toHaveLength(1);
    expect(breaches('x', 'check_args(ARGV, 2)\nlocal a = ARGV[3]', false)).toHaveLength(1);
    expect(breaches('x', 'check_args(ARGV, 3, 1)\nlocal a = ARGV[3 + i]', false)).toEqual([]);
  });
});

describe('the argument builders', () => {
  it('give place-11.lua its fixed list, then a counted entry per row or seat', () => {
    const pool = place({ userId: 'u', quantity: 2, poolId: 'vip' });
    expect(pool.slice(13)).toEqual(['pool', 2, 'vip', 10, 200, 0]);
    const section = place({ userId: 'u', quantity: 3, sectionId: 'A' });
    expect(section.slice(13)).toEqual(['section', 3, 'A', 9, 500, 2, 0, 4, '1', 4, 5, '2']);
    const seats = place({ userId: 'u', seats: ['A-1-2', 'A-9-9'] });
    expect(seats.slice(13)).toEqual(['seats', 2, '', 0, 0, 2, 'A-1-2', 1, 500, 'A-9-9', -1, 0]);
    const unknown = place({ userId: 'u', quantity: 1, sectionId: 'Z' });
    expect(unknown.slice(13)).toEqual(['section', 1, 'Z', -1, 0, 0]);
    for (const args of [pool, section, seats, unknown]) expect(misfit('place', args)).toBeUndefined();
  });

  it('give place-batch-11.lua each placement after its own count', () => {
    const one = place({ userId: 'u', quantity: 1, poolId: 'ga' });
    const two = place({ userId: 'v', seats: ['A-1-1'] });
    const args = placeBatchArgs([one, two]);
    expect(args).toEqual([2, one.length, ...one, two.length, ...two]);
    expect(placeBatchArgs([])).toEqual([0]);
  });

  it('give confirm-9.lua the same list in every mode, the pools of an expired hold counted', () => {
    const live = confirmArgs({ mode: 'live', holdId: 'h1' }, 7);
    expect(live.slice(0, 3)).toEqual([7, 'h1', 'live']);
    const paid = confirmArgs({ mode: 'paid', holdId: 'h1', payment: { amount: 100, reference: 'r' } }, 7);
    expect(paid.slice(0, 6)).toEqual([7, 'h1', 'paid', 100, 'r', expect.any(Number)]);
    const ended = hold([
      { poolId: 'ga', quantity: 1, price: 50 },
      { poolId: 'ga', quantity: 1, price: 50 },
      { poolId: 'vip', quantity: 1, price: 200 },
      { seatId: 'A-2-1', quantity: 1, price: 500 },
    ]);
    const expired = confirmArgs({ mode: 'expired', hold: ended, payment: {}, layout: LAYOUT }, 7);
    expect(expired.slice(0, 5)).toEqual([7, ended.id, 'expired', -1, '']);
    expect(expired.slice(7)).toEqual([6, '4', 2, 'ga', 100, 'vip', 10]);
    expect(JSON.parse(String(expired[6]))).toMatchObject({ id: ended.id, status: 'held' });
    for (const args of [live, paid, expired]) expect(misfit('confirm', args)).toBeUndefined();
  });

  it('give waitlist-11.lua the same list for a join, a leave and a look', () => {
    const join = waitlistArgs({
      mode: 'join',
      request: { userId: 'u', quantity: 2, sectionId: 'A' },
      entryId: 'w1',
      eventId: 'ev1',
      capacity: 9,
      time: 5,
    });
    expect(join.slice(0, 8)).toEqual(['join', 'u', 5, 'w1', 'ev1', 2, 's:A', 9]);
    const leave = waitlistArgs({ mode: 'leave', userId: 'u', time: 5 });
    const spot = waitlistArgs({ mode: 'spot', userId: 'u' });
    expect(leave.slice(0, 3)).toEqual(['leave', 'u', 5]);
    expect(spot.slice(0, 2)).toEqual(['spot', 'u']);
    for (const args of [join, leave, spot]) expect(misfit('waitlist', args)).toBeUndefined();
  });

  it('give every other script exactly what it declares, the restock channel no longer among them', () => {
    const order = hold([{ seatId: 'A-1-3', quantity: 1, price: 500 }]);
    const cancel = cancelOrderArgs({ hold: order, confirmedAtMs: 3, nowMs: 4 }, LAYOUT, 4);
    expect(cancel?.slice(2, 5)).toEqual(['2', 'o.ev1.x', 3]);
    const lost = cancelOrderArgs(
      { hold: hold([{ seatId: 'A-7-1', quantity: 1, price: 500 }]), confirmedAtMs: 3, nowMs: 4 },
      LAYOUT,
      4,
    );
    expect(lost).toBeUndefined();
    const folded = { seatMap: '', counts: {}, users: {}, holds: [], idempotency: [], cancelled: {} };
    const cases: [ScriptName, ScriptArg[]][] = [
      ['createEvent', createEventArgs(SPEC, 9, 1)],
      ['loadEvent', loadEventArgs(SPEC, folded, 2)],
      ['extend', extendArgs('h1', 30, 600, 0)],
      ['release', releaseArgs('h1', 0)],
      ['cancelOrder', cancel as ScriptArg[]],
      ['updateEvent', updateEventArgs({ spec: SPEC })],
      ['updateEvent', updateEventArgs({ spec: SPEC, salesOpen: false })],
      ['sweep', sweepArgs(500, 0)],
      ['view', viewArgs('')],
      ['seatMap', seatMapArgs(undefined)],
    ];
    expect(cases.flatMap(([name, args]) => misfit(name, args) ?? [])).toEqual([]);
    expect(cases.flatMap(([, args]) => args)).not.toContain('boxoffice:restock');
    expect(updateEventArgs({ spec: SPEC, salesOpen: false })[1]).toBe('0');
    expect(updateEventArgs({ spec: SPEC, salesOpen: true })[1]).toBe('1');
    expect(extendArgs('h1', 30, 600, 9)).toEqual([9, 'h1', 30_000, 600_000]);
  });
});

describe("the waiting room's and the rate limiter's argument builders", () => {
  it('give join-6.lua and admit-7.lua their fixed lists', () => {
    expect(joinArgs('u', 0.25, 7, 60_000)).toEqual(['u', '0.25', 7, 60_000]);
    const admit = admitArgs(
      {
        available: 5,
        held: 1,
        salesOpen: true,
        abandonAfterMs: 30_000,
        windowMs: 60_000,
        stepMax: 100,
        passesPerAvailable: 2,
        burstSeconds: 10,
        eventId: 'ev1',
      },
      0,
    );
    expect(admit).toEqual([0, 5, 1, 1, 30_000, 60_000, 100, 2, 10, 'ev1']);
    expect(misfit('join', joinArgs('u', 0.5, 0, 1))).toBeUndefined();
    expect(misfit('admit', admit)).toBeUndefined();
  });

  it('give standings-6.lua its buyers after their count, however many', () => {
    expect(standingsArgs(['a', 'b'], 3, 60_000)).toEqual([3, 60_000, 2, 'a', 'b']);
    for (const buyers of [[], ['a'], ['a', 'b', 'c']])
      expect(misfit('standings', standingsArgs(buyers, 0, 1))).toBeUndefined();
  });

  it('give take-quota.lua its counters after their count, each with its request, and as many keys', () => {
    const ip: Take = { quota: { kind: 'ip', limit: { count: 10, windowSeconds: 60 } }, who: '1.2.3.4' };
    const buyer: Take = { quota: { kind: 'buyer', limit: { count: 3, windowSeconds: 1 } }, who: 'u' };
    const { keys, args } = takeQuotaCall([[ip, buyer], [ip]]);
    expect(keys).toEqual([
      '{boxoffice-rate}:ip:1.2.3.4',
      '{boxoffice-rate}:buyer:u',
      '{boxoffice-rate}:ip:1.2.3.4',
    ]);
    expect(args).toEqual([3, 1, 10, 60_000, 1, 3, 1000, 2, 10, 60_000]);
    expect(misfit('takeQuota', args)).toBeUndefined();
    expect(args[0]).toBe(keys.length);
    expect(() => takeQuotaCall([[ip], []])).toThrow(/one counter at least/);
  });
});
