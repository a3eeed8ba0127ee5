// The waiting room's Lua scripts, loaded like the gate's (gate/redis/scripts.ts): a .lua file per operation
// whose name carries its key count, the encoding's constants header and a shared prelude, and a versioned
// command name from the content hash.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient, ScriptArg } from '../../gate/redis/scripts.js';
import { luaConstantsHeader } from '../../log/redis/lua-constants.js';

const FILES = { join: 'join-6.lua', standings: 'standings-6.lua', admit: 'admit-7.lua' } as const;

export type QueueScriptName = keyof typeof FILES;
export type QueueScripts = Record<
  QueueScriptName,
  (keys: readonly string[], args: readonly ScriptArg[]) => Promise<unknown>
>;

const directory = new URL('./lua/', import.meta.url);

export function defineQueueScripts(client: RedisClient): QueueScripts {
  const common = `${luaConstantsHeader()}${readFileSync(new URL('queue-common.lua', directory), 'utf8')}`;
  const scripts = {} as QueueScripts;
  for (const [name, file] of Object.entries(FILES) as [QueueScriptName, string][]) {
    const lua = `${common}\n${readFileSync(new URL(file, directory), 'utf8')}`;
    const command = `boxoffice_queue_${name}_${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`;
    client.defineCommand(command, { lua });
    const call = (client as unknown as Record<string, (...args: ScriptArg[]) => Promise<unknown>>)[command];
    if (call === undefined) throw new Error(`Script ${name} could not be defined.`);
    scripts[name] = (keys, args) => call.call(client, keys.length, ...keys, ...args);
  }
  return scripts;
}
