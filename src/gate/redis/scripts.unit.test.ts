// The Lua scripts' file names carry how many KEYS each takes (the loader passes that number), so each file
// is held to it here: no script, nor a shared function it calls, reads a key past its count. The same for
// the waiting room's scripts, named by the same convention. The rate limiter's one script takes as many keys
// as its batch has counters: its name counts none, its first argument does, and the script holds #KEYS to it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QUEUE_FILES, QUEUE_PRELUDE } from '../../queue/redis/queue-scripts.js';
import { TAKE_QUOTA_FILE } from '../../ratelimit/redis-counter.js';
import { keyCountOf, PRELUDES, scriptFiles } from './scripts.js';

const GATE_LUA = new URL('./lua/', import.meta.url);
const QUEUE_LUA = new URL('../../queue/redis/lua/', import.meta.url);
const RATE_LUA = new URL('../../ratelimit/lua/', import.meta.url);

function code(directory: URL, file: string): string {
  return readFileSync(new URL(file, directory), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
}

/**
 * The highest KEYS index a piece of code reads: KEYS[n], or KEYS[i] in a numeric for loop over i on one line.
 * Any other index (an expression) is reported as Infinity, so that no read can hide from the check.
 */
function highestKey(text: string): number {
  let highest = 0;
  for (const line of text.split('\n')) {
    const loop = /for (\w+) = \d+, (\d+) do/.exec(line);
    for (const [, index] of line.matchAll(/KEYS\[([^\]]+)\]/g)) {
      if (/^\d+$/.test(index as string)) highest = Math.max(highest, Number(index));
      else if (loop !== null && index === loop[1]) highest = Math.max(highest, Number(loop[2]));
      else return Number.POSITIVE_INFINITY;
    }
  }
  return highest;
}

/** A prelude's functions: name → the highest key its own body reads and the functions it calls. */
function functionsOf(text: string): Map<string, { keys: number; body: string }> {
  const functions = new Map<string, { keys: number; body: string }>();
  const parts = text.split(/^(?=local function )/m);
  for (const part of parts) {
    const name = /^local function (\w+)\(/.exec(part)?.[1];
    if (name !== undefined) functions.set(name, { keys: highestKey(part), body: part });
  }
  return functions;
}

/** The highest key a script reads: its own code's, and that of every prelude function it calls, transitively. */
function keysReadBy(own: string, preludes: string[]): number {
  const functions = new Map<string, { keys: number; body: string }>();
  for (const prelude of preludes) for (const [name, f] of functionsOf(prelude)) functions.set(name, f);
  let highest = highestKey(own);
  const seen = new Set<string>();
  const pending = [own];
  while (pending.length > 0) {
    const text = pending.pop() as string;
    for (const [name, f] of functions) {
      if (seen.has(name) || !new RegExp(`\\b${name}\\(`).test(text)) continue;
      seen.add(name);
      highest = Math.max(highest, f.keys);
      pending.push(f.body);
    }
  }
  return highest;
}

describe('the key count in a script file name', () => {
  it('is read from the name, and absent when the name has none', () => {
    expect(keyCountOf('place-11.lua')).toBe(11);
    expect(keyCountOf('admit-7.lua')).toBe(7);
    expect(keyCountOf('common.lua')).toBeUndefined();
    expect(keyCountOf('place.lua')).toBeUndefined();
  });

  it('is named by every gate script file and every waiting room one; the preludes alone name none', () => {
    const preludes: string[] = [...Object.values(PRELUDES), QUEUE_PRELUDE];
    const unnamed = [GATE_LUA, QUEUE_LUA]
      .flatMap((directory) => readdirSync(directory))
      .filter((file) => file.endsWith('.lua') && !preludes.includes(file) && keyCountOf(file) === undefined);
    expect(unnamed).toEqual([]);
    for (const { file } of Object.values(scriptFiles())) expect(keyCountOf(file)).toBeGreaterThan(0);
  });

  it('loads every gate script file there is, and every waiting room one', () => {
    const loaded = Object.values(scriptFiles()).map(({ file }) => file);
    const there = readdirSync(GATE_LUA).filter(
      (file) => file.endsWith('.lua') && !(Object.values(PRELUDES) as string[]).includes(file),
    );
    expect(loaded.sort()).toEqual(there.sort());
    const queueThere = readdirSync(QUEUE_LUA).filter(
      (file) => file.endsWith('.lua') && file !== QUEUE_PRELUDE,
    );
    expect(Object.values(QUEUE_FILES).sort()).toEqual(queueThere.sort());
  });

  it('is named by no rate limiter script, whose keys its first argument counts and the script checks', () => {
    expect(readdirSync(RATE_LUA)).toEqual([TAKE_QUOTA_FILE]);
    expect(keyCountOf(TAKE_QUOTA_FILE)).toBeUndefined();
    const text = code(RATE_LUA, TAKE_QUOTA_FILE);
    const lines = text.trimStart().split('\n');
    expect(lines[1]).toBe('local n = tonumber(ARGV[1])');
    expect(lines[2]).toMatch(/^if #KEYS ~= n then error\(/);
    // Its keys are read only as KEYS[i] of the counters it counts, never past them.
    expect([...text.matchAll(/KEYS\[([^\]]+)\]/g)].map(([, index]) => index)).toEqual(['i', 'i', 'i', 'i']);
    expect(text).toMatch(/for i = first, last do/);
    expect(text).toMatch(/while last < n and/);
  });

  it('covers every key a gate script reads, through the shared functions it calls too', () => {
    const over: string[] = [];
    for (const [name, { file, wraps, preludes }] of Object.entries(scriptFiles())) {
      const own = code(GATE_LUA, file) + (wraps === undefined ? '' : `\n${code(GATE_LUA, wraps.file)}`);
      const read = keysReadBy(
        own,
        preludes.map((prelude) => code(GATE_LUA, prelude)),
      );
      const count = keyCountOf(file) as number;
      if (read > count) over.push(`${name} (${file}) reads KEYS[${read}]`);
      // The shared prelude's own keys: every gate script takes at least the event's eight (common.lua).
      if (count < 8) over.push(`${name} (${file}) takes fewer than the event's 8 keys`);
    }
    expect(over).toEqual([]);
  });

  it('covers every key a waiting room script reads', () => {
    const prelude = highestKey(code(QUEUE_LUA, QUEUE_PRELUDE));
    const over = Object.values(QUEUE_FILES).filter(
      (file) => Math.max(prelude, highestKey(code(QUEUE_LUA, file))) > (keyCountOf(file) as number),
    );
    expect(over).toEqual([]);
  });

  it('leaves no key to the prelude every script shares', () => {
    expect(code(GATE_LUA, PRELUDES.shared)).not.toMatch(/\bKEYS\b/);
  });

  it('catches a read past the count, a key in a loop, and a key by expression', () => {
    expect(highestKey("redis.call('GET', KEYS[12])")).toBe(12);
    expect(highestKey("for i = 9, 13 do redis.call('DEL', KEYS[i]) end")).toBe(13);
    expect(highestKey("redis.call('GET', KEYS[#KEYS])")).toBe(Number.POSITIVE_INFINITY);
    const prelude = "local function idem()\n  return redis.call('GET', KEYS[11])\nend\n";
    const caller = 'local function outer()\n  return idem()\nend\n';
    expect(keysReadBy('outer()', [prelude + caller])).toBe(11);
    expect(keysReadBy("redis.call('GET', KEYS[2])", [prelude + caller])).toBe(2);
  });
});
