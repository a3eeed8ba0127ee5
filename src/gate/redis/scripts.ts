// The Lua scripts of the Redis gate, kept as .lua files and loaded once per connection under a versioned
// name: the name carries the script's content hash, and ioredis calls it by EVALSHA (one round trip; the
// full text goes only after a NOSCRIPT), so two versions of boxoffice in a rolling deploy never mix scripts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../../log/redis/client.js';
import { luaConstantsHeader } from '../../log/redis/lua-constants.js';

export type { RedisClient } from '../../log/redis/client.js';
export type ScriptArg = string | number;

/**
 * Each script's file, named with how many KEYS it takes (`place-11.lua`: 11), as the waiting room's are: the
 * loader passes that count, so a caller cannot pass another (scripts.unit.test.ts holds every file to it).
 */
const FILES = {
  place: 'place-11.lua',
  confirm: 'confirm-9.lua',
  extend: 'extend-8.lua',
  release: 'release-10.lua',
  cancelOrder: 'cancel-order-11.lua',
  updateEvent: 'update-event-8.lua',
  sweep: 'sweep-10.lua',
  createEvent: 'create-event-8.lua',
  loadEvent: 'load-event-12.lua',
  view: 'view-8.lua',
  seatMap: 'seat-map-8.lua',
  waitlist: 'waitlist-11.lua',
} as const;

/**
 * Scripts made of another script wrapped as a function and a file that calls it: `placeBatch` decides
 * several placements with place-11.lua's own code (place-batch-11.lua).
 */
const WRAPPED = {
  placeBatch: { wraps: FILES.place, as: 'place_one', file: 'place-batch-11.lua' },
} as const;

/** Scripts that return stock to sale include lua/offers.lua after the prelude: they offer it to the waitlist. */
const OFFERING: ReadonlySet<string> = new Set(['release', 'sweep', 'cancelOrder']);

/**
 * The shared files every script, or every offering one, is loaded with; they name no key count. shared.lua
 * is every boxoffice script's, the waiting room's and the rate limiter's too (sharedPrelude).
 */
export const PRELUDES = { shared: 'shared.lua', common: 'common.lua', offers: 'offers.lua' } as const;

/** A script's own file, the script it wraps as a function (if any), and the preludes it is loaded with. */
export interface ScriptFile {
  readonly file: string;
  readonly wraps?: { readonly file: string; readonly as: string };
  readonly preludes: readonly string[];
}

/** Every script's files, for the checks of scripts.unit.test.ts. */
export function scriptFiles(): Record<ScriptName, ScriptFile> {
  const files = {} as Record<ScriptName, ScriptFile>;
  for (const [name, file] of Object.entries(FILES) as [ScriptName, string][])
    files[name] = {
      file,
      preludes: OFFERING.has(name)
        ? [PRELUDES.shared, PRELUDES.common, PRELUDES.offers]
        : [PRELUDES.shared, PRELUDES.common],
    };
  for (const [name, { wraps, as, file }] of Object.entries(WRAPPED) as [
    ScriptName,
    (typeof WRAPPED)['placeBatch'],
  ][])
    files[name] = { file, wraps: { file: wraps, as }, preludes: [PRELUDES.shared, PRELUDES.common] };
  return files;
}

/** The number of KEYS a script file takes, from its name (`<name>-<count>.lua`); undefined when it names none. */
export function keyCountOf(file: string): number | undefined {
  const match = /-(\d+)\.lua$/.exec(file);
  return match === null ? undefined : Number(match[1]);
}

export type ScriptName = keyof typeof FILES | keyof typeof WRAPPED;
/** A loaded script: called with its keys and its arguments. */
export type Script = (keys: readonly string[], args: readonly ScriptArg[]) => Promise<unknown>;
export type GateScripts = Record<ScriptName, Script>;

const directory = new URL('./lua/', import.meta.url);
let sources: Record<ScriptName, string> | undefined;

function read(file: string): string {
  return readFileSync(new URL(file, directory), 'utf8');
}

/** What every boxoffice script starts with: the constants of log/redis/encoding.ts, then shared.lua. */
export function sharedPrelude(): string {
  return `${luaConstantsHeader()}${read(PRELUDES.shared)}`;
}

/** The text of each script: the constants of log/redis/encoding.ts, the shared preludes, the script's own file. */
function scriptSources(): Record<ScriptName, string> {
  if (sources !== undefined) return sources;
  const loaded = {} as Record<ScriptName, string>;
  for (const [name, { file, wraps, preludes }] of Object.entries(scriptFiles()) as [
    ScriptName,
    ScriptFile,
  ][]) {
    const prelude = `${luaConstantsHeader()}${preludes.map(read).join('\n')}`;
    // The wrapped script's ARGV is the function's parameter; its returns become the function's.
    const wrapped = wraps === undefined ? '' : `local function ${wraps.as}(ARGV)\n${read(wraps.file)}\nend\n`;
    loaded[name] = `${prelude}\n${wrapped}${read(file)}`;
  }
  sources = loaded;
  return loaded;
}

export function defineScripts(client: RedisClient): GateScripts {
  const scripts = {} as GateScripts;
  const files = scriptFiles();
  for (const [name, lua] of Object.entries(scriptSources()) as [ScriptName, string][]) {
    const numberOfKeys = keyCountOf(files[name].file);
    if (numberOfKeys === undefined) throw new Error(`Script ${files[name].file} names no key count.`);
    scripts[name] = defineScript(client, `boxoffice_${name}`, lua, numberOfKeys);
  }
  return scripts;
}

/**
 * What a script whose KEYS depend on its data (the rate limiter's) takes instead of a count in its file
 * name: its first argument says how many keys it is given.
 */
export const KEYS_COUNTED_BY_FIRST_ARG = 'counted by the first argument';

/**
 * Loads one script under `<prefix>_<content hash>` (see the top of this file). It takes numberOfKeys KEYS,
 * the count its file name says, or as many as its first argument says: a call with another number is refused
 * before Redis, as a caller's extra or missing key would shift every argument after it.
 */
export function defineScript(
  client: RedisClient,
  prefix: string,
  lua: string,
  numberOfKeys: number | typeof KEYS_COUNTED_BY_FIRST_ARG,
): Script {
  const command = `${prefix}_${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`;
  const fixed = typeof numberOfKeys === 'number';
  client.defineCommand(command, fixed ? { lua, numberOfKeys } : { lua });
  const call = (client as unknown as Record<string, (...args: ScriptArg[]) => Promise<unknown>>)[command];
  if (call === undefined) throw new Error(`Script ${prefix} could not be defined.`);
  return (keys, args) => {
    const expected = fixed ? numberOfKeys : Number(args[0]);
    if (keys.length !== expected)
      return Promise.reject(new Error(`Script ${prefix} takes ${expected} keys, not ${keys.length}.`));
    return fixed ? call.call(client, ...keys, ...args) : call.call(client, keys.length, ...keys, ...args);
  };
}
