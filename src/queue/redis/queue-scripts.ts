// The waiting room's Lua scripts, loaded like the gate's (gate/redis/scripts.ts): a .lua file per operation
// whose name carries its key count, the constants header and the shared prelude of every boxoffice script,
// the waiting room's own prelude, and a versioned command name from the content hash.
import { readFileSync } from 'node:fs';
import {
  defineScript,
  keyCountOf,
  type RedisClient,
  type Script,
  sharedPrelude,
} from '../../gate/redis/scripts.js';

/** Each script's file, named with how many KEYS it takes (`admit-7.lua`: 7): the loader passes that count. */
export const QUEUE_FILES = {
  join: 'join-6.lua',
  standings: 'standings-6.lua',
  admit: 'admit-7.lua',
} as const;
/** The waiting room's own prelude, after the shared one; it names no key count. */
export const QUEUE_PRELUDE = 'queue-common.lua';

export type QueueScriptName = keyof typeof QUEUE_FILES;
export type QueueScripts = Record<QueueScriptName, Script>;

const directory = new URL('./lua/', import.meta.url);

function read(file: string): string {
  return readFileSync(new URL(file, directory), 'utf8');
}

export function defineQueueScripts(client: RedisClient): QueueScripts {
  const prelude = `${sharedPrelude()}\n${read(QUEUE_PRELUDE)}`;
  const scripts = {} as QueueScripts;
  for (const [name, file] of Object.entries(QUEUE_FILES) as [QueueScriptName, string][]) {
    const numberOfKeys = keyCountOf(file);
    if (numberOfKeys === undefined) throw new Error(`Script ${file} names no key count.`);
    scripts[name] = defineScript(
      client,
      `boxoffice_queue_${name}`,
      `${prelude}\n${read(file)}`,
      numberOfKeys,
    );
  }
  return scripts;
}
