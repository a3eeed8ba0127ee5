// The constants header of every Lua script (the Redis gate's, the waiting room's, the rate limiter's),
// generated from encoding.ts and prepended at load time (gate/redis/scripts.ts sharedPrelude), so that
// scripts and TypeScript share one definition of each key field, stream field, seat byte, group name,
// channel, entry type and reply word they write.
import {
  COUNT_FIELDS,
  DEAD_LETTER_FIELDS,
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

/** Lua name → value, each a string. */
export const LUA_CONSTANTS: Readonly<Record<string, string>> = {
  PROJECTOR_GROUP,
  RESTOCK_CHANNEL,
  EVENT_MISSING: EVENT_MISSING_REPLY,
  ENTRY_FIELD,
  ENTRY_SOLD_OUT: ENTRY_SOLD_OUT_FIELD,
  QUEUE_ADMITTED: QUEUE_ADMITTED_TYPE,
  QUEUE_MISSING: QUEUE_MISSING_REPLY,
  QUEUE_NOT_OPEN: QUEUE_NOT_OPEN_REPLY,
  DEAD_LETTER_ID_FIELD: DEAD_LETTER_FIELDS.id,
  DEAD_LETTER_ERROR_FIELD: DEAD_LETTER_FIELDS.error,
  DEAD_LETTER_CONSUMER_FIELD: DEAD_LETTER_FIELDS.consumer,
  SEAT_FREE: SEAT_CHARS.available,
  SEAT_HELD: SEAT_CHARS.held,
  SEAT_SOLD: SEAT_CHARS.sold,
  COUNT_POOL: COUNT_FIELDS.pool,
  COUNT_SECTION: COUNT_FIELDS.section,
  COUNT_HELD: COUNT_FIELDS.held,
  COUNT_SOLD: COUNT_FIELDS.sold,
  COUNT_RESTOCK: COUNT_FIELDS.restock,
  COUNT_CLOSED: COUNT_FIELDS.closed,
  COUNT_SPEC_VERSION: COUNT_FIELDS.specVersion,
  COUNT_EPOCH: COUNT_FIELDS.epoch,
  COUNT_LOADED: COUNT_FIELDS.loaded,
  COUNT_AVAILABLE: COUNT_FIELDS.available,
};

/** A Lua string literal of any text (every byte outside printable ASCII, quote and backslash escaped). */
export function luaString(text: string): string {
  let out = "'";
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x27 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${byte}`;
  }
  return `${out}'`;
}

/** The header: one `local NAME = 'value'` per constant, then the counters' suffix by state. */
export function luaConstantsHeader(): string {
  const lines = ['-- Generated from src/log/redis/encoding.ts by lua-constants.ts at load time: edit those.'];
  for (const [name, value] of Object.entries(LUA_CONSTANTS))
    lines.push(`local ${name} = ${luaString(value)}`);
  lines.push('local COUNT_SUFFIX = { held = COUNT_HELD, sold = COUNT_SOLD }');
  return `${lines.join('\n')}\n`;
}
