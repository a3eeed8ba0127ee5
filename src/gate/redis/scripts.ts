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

/** The shared files every script, or every offering one, is loaded with; they name no key count. */
export const PRELUDES = { common: 'common.lua', offers: 'offers.lua' } as const;

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
      preludes: OFFERING.has(name) ? [PRELUDES.common, PRELUDES.offers] : [PRELUDES.common],
    };
  for (const [name, { wraps, as, file }] of Object.entries(WRAPPED) as [
    ScriptName,
    (typeof WRAPPED)['placeBatch'],
  ][])
    files[name] = { file, wraps: { file: wraps, as }, preludes: [PRELUDES.common] };
  return files;
}

/** The number of KEYS a script file takes, from its name (`<name>-<count>.lua`); undefined when it names none. */
export function keyCountOf(file: string): number | undefined {
  const match = /-(\d+)\.lua$/.exec(file);
  return match === null ? undefined : Number(match[1]);
}

export type ScriptName = keyof typeof FILES | keyof typeof WRAPPED;
export type GateScripts = Record<
  ScriptName,
  (keys: readonly string[], args: readonly ScriptArg[]) => Promise<unknown>
>;

const directory = new URL('./lua/', import.meta.url);
let sources: Record<ScriptName, string> | undefined;

function read(file: string): string {
  return readFileSync(new URL(file, directory), 'utf8');
}

/** The text of each script: the constants of log/redis/encoding.ts, the shared prelude, the script's own file. */
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
    const command = `boxoffice_${name}_${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`;
    client.defineCommand(command, { lua, numberOfKeys });
    const call = (client as unknown as Record<string, (...args: ScriptArg[]) => Promise<unknown>>)[command];
    if (call === undefined) throw new Error(`Script ${name} could not be defined.`);
    scripts[name] = (keys, args) => {
      // A caller's extra or missing key would shift every argument after it: refused before Redis.
      if (keys.length !== numberOfKeys)
        return Promise.reject(new Error(`Script ${name} takes ${numberOfKeys} keys, not ${keys.length}.`));
      return call.call(client, ...keys, ...args);
    };
  }
  return scripts;
}
