// The Lua scripts get the encoding's constants from the generated header only: the header says exactly what
// encoding.ts says, and no script writes one of those values as a literal of its own.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COUNT_FIELDS,
  ENTRY_FIELD,
  ENTRY_SOLD_OUT_FIELD,
  EVENT_MISSING_REPLY,
  PROJECTOR_GROUP,
  QUEUE_ADMITTED_TYPE,
  QUEUE_MISSING_REPLY,
  QUEUE_NOT_OPEN_REPLY,
  RESTOCK_CHANNEL,
  SEAT_CHARS,
} from './encoding.js';
import { LUA_CONSTANTS, luaConstantsHeader, luaString } from './lua-constants.js';

const GATE_LUA = new URL('../../gate/redis/lua/', import.meta.url);
/** The waiting room's scripts get the header too; their queue hash has field names of its own ('closed'). */
const QUEUE_LUA = new URL('../../queue/redis/lua/', import.meta.url);

/** The header's `local NAME = '...'` definitions, read back as values. */
function definitionsOf(header: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of header.matchAll(/^local ([A-Z_]+) = '((?:[^'\\]|\\\d{1,3})*)'$/gm))
    found[match[1] as string] = Buffer.from(
      (match[2] as string).replace(/\\(\d{1,3})/g, (_, code) => String.fromCharCode(Number(code))),
      'latin1',
    ).toString('utf8');
  return found;
}

describe('the Lua constants header', () => {
  it('defines every constant of the encoding with its value, and nothing else', () => {
    expect(definitionsOf(luaConstantsHeader())).toEqual(LUA_CONSTANTS);
    expect(LUA_CONSTANTS).toMatchObject({
      PROJECTOR_GROUP,
      RESTOCK_CHANNEL,
      EVENT_MISSING: EVENT_MISSING_REPLY,
      ENTRY_FIELD,
      QUEUE_ADMITTED: QUEUE_ADMITTED_TYPE,
      QUEUE_MISSING: QUEUE_MISSING_REPLY,
      QUEUE_NOT_OPEN: QUEUE_NOT_OPEN_REPLY,
      SEAT_FREE: SEAT_CHARS.available,
      SEAT_HELD: SEAT_CHARS.held,
      SEAT_SOLD: SEAT_CHARS.sold,
      COUNT_RESTOCK: COUNT_FIELDS.restock,
      COUNT_EPOCH: COUNT_FIELDS.epoch,
      COUNT_AVAILABLE: COUNT_FIELDS.available,
      ENTRY_SOLD_OUT: ENTRY_SOLD_OUT_FIELD,
    });
  });

  it('writes any text as a Lua string literal', () => {
    expect(luaString("it's a \\ path\n")).toBe("'it\\39s a \\92 path\\10'");
    expect(definitionsOf(`local X = ${luaString("é'\\")}`)).toEqual({ X: "é'\\" });
  });

  it('is the only place the scripts find the encoding in', () => {
    // The missing-event reply and the restock channel too: one way to say each (gate/redis/replies.ts).
    const gateLiterals = [
      PROJECTOR_GROUP,
      RESTOCK_CHANNEL,
      EVENT_MISSING_REPLY,
      SEAT_CHARS.held,
      SEAT_CHARS.sold,
      ...Object.values(COUNT_FIELDS),
    ].map((value) => `'${value}'`);
    // Entry fields are written inside JSON fragments: the sold-out mark's name comes from the header too.
    gateLiterals.push(`"${ENTRY_SOLD_OUT_FIELD}"`);
    const found: string[] = [];
    const files = [GATE_LUA, QUEUE_LUA].flatMap((directory) =>
      readdirSync(directory)
        .filter((name) => name.endsWith('.lua'))
        .map((name) => new URL(name, directory)),
    );
    for (const url of files) {
      const file = url.pathname.split('/').slice(-4).join('/');
      const literals = url.href.startsWith(GATE_LUA.href)
        ? gateLiterals
        : [PROJECTOR_GROUP, QUEUE_MISSING_REPLY, QUEUE_NOT_OPEN_REPLY].map((value) => `'${value}'`);
      // A whole reply of a bare number ({ -1 }) is a code with no name: the waiting room's are named replies.
      if (/return \{ *-?\d+ *\}/.test(readFileSync(url, 'utf8'))) found.push(`${file}: a bare reply code`);
      const code = readFileSync(url, 'utf8')
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('--'))
        .join('\n');
      for (const literal of literals) if (code.includes(literal)) found.push(`${file}: ${literal}`);
      // Entry types the encoding defines are written through their constants too (in a JSON string: "type").
      if (code.includes(`"${QUEUE_ADMITTED_TYPE}"`) || code.includes(`'${QUEUE_ADMITTED_TYPE}'`))
        found.push(`${file}: a literal entry type`);
      // The entry field and the free seat byte are short enough to appear elsewhere: look where they are used.
      if (/XADD[^\n]*'\*',\s*'/.test(code)) found.push(`${file}: a literal stream field`);
      if (
        /GETRANGE[^\n]*~=\s*'/.test(code) ||
        /move_items\([^)]*'.'\)/.test(code) ||
        /string\.byte\([^)]*\)\s*[=~]=\s*\d/.test(code) ||
        /string\.find\([^)]*'0\+'/.test(code) ||
        /string\.rep\('/.test(code)
      )
        found.push(`${file}: a literal seat byte`);
    }
    expect(found).toEqual([]);
  });
});
