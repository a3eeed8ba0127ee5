// The Lua scripts of the Redis gate, kept as .lua files and loaded once per connection under a versioned
// name: the name carries the script's content hash, and ioredis calls it by EVALSHA (one round trip; the
// full text goes only after a NOSCRIPT), so two versions of boxoffice in a rolling deploy never mix scripts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../../log/redis/client.js';
import { luaConstantsHeader } from '../../log/redis/lua-constants.js';

export type { RedisClient } from '../../log/redis/client.js';
export type ScriptArg = string | number;

const FILES = {
  place: 'place.lua',
  confirm: 'confirm.lua',
  extend: 'extend.lua',
  release: 'release.lua',
  cancelOrder: 'cancel-order.lua',
  updateEvent: 'update-event.lua',
  sweep: 'sweep.lua',
  createEvent: 'create-event.lua',
  loadEvent: 'load-event.lua',
  view: 'view.lua',
  seatMap: 'seat-map.lua',
  waitlist: 'waitlist.lua',
} as const;

/**
 * Scripts made of another script wrapped as a function and a file that calls it: `placeBatch` decides
 * several placements with place.lua's own code (place-batch.lua).
 */
const WRAPPED = {
  placeBatch: { wraps: 'place.lua', as: 'place_one', file: 'place-batch.lua' },
} as const;

/** Scripts that return stock to sale include lua/offers.lua after the prelude: they offer it to the waitlist. */
const OFFERING: ReadonlySet<string> = new Set(['release', 'sweep', 'cancelOrder']);

export type ScriptName = keyof typeof FILES | keyof typeof WRAPPED;
export type GateScripts = Record<
  ScriptName,
  (keys: readonly string[], args: readonly ScriptArg[]) => Promise<unknown>
>;

const directory = new URL('./lua/', import.meta.url);
let sources: Record<ScriptName, string> | undefined;

/** The text of each script: the constants of log/redis/encoding.ts, the shared prelude, the script's own file. */
function scriptSources(): Record<ScriptName, string> {
  if (sources !== undefined) return sources;
  const common = `${luaConstantsHeader()}${readFileSync(new URL('common.lua', directory), 'utf8')}`;
  const offers = readFileSync(new URL('offers.lua', directory), 'utf8');
  const loaded = {} as Record<ScriptName, string>;
  for (const [name, file] of Object.entries(FILES) as [ScriptName, string][]) {
    const prelude = OFFERING.has(name) ? `${common}\n${offers}` : common;
    loaded[name] = `${prelude}\n${readFileSync(new URL(file, directory), 'utf8')}`;
  }
  for (const [name, { wraps, as, file }] of Object.entries(WRAPPED) as [
    ScriptName,
    (typeof WRAPPED)['placeBatch'],
  ][]) {
    // The wrapped script's ARGV is the function's parameter; its returns become the function's.
    const wrapped = `local function ${as}(ARGV)\n${readFileSync(new URL(wraps, directory), 'utf8')}\nend`;
    loaded[name] = `${common}\n${wrapped}\n${readFileSync(new URL(file, directory), 'utf8')}`;
  }
  sources = loaded;
  return loaded;
}

export function defineScripts(client: RedisClient): GateScripts {
  const scripts = {} as GateScripts;
  for (const [name, lua] of Object.entries(scriptSources()) as [ScriptName, string][]) {
    const command = `boxoffice_${name}_${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`;
    client.defineCommand(command, { lua });
    const call = (client as unknown as Record<string, (...args: ScriptArg[]) => Promise<unknown>>)[command];
    if (call === undefined) throw new Error(`Script ${name} could not be defined.`);
    scripts[name] = (keys, args) => call.call(client, keys.length, ...keys, ...args);
  }
  return scripts;
}
