// The flags of `boxoffice worker` and its usage text, both generated from the settings table (config.ts), so
// the help shows the same names and defaults the worker reads.
import { parseArgs } from 'node:util';
import { type SettingName, settingsFlagOptions, settingsUsage } from '../config.js';

/** The settings `boxoffice worker` takes as flags (every setting is read from the environment). */
export const WORKER_SETTINGS = [
  'redisUrl',
  'redisClusterNodes',
  'databaseUrl',
  'metricsPort',
  'metricsHost',
  'consumer',
  'claimIdleMs',
  'projectorLanes',
  'logLevel',
  'webhooksKey',
  'webhooksAllowPrivate',
] as const satisfies readonly SettingName[];

export const WORKER_USAGE = `Usage: boxoffice worker [flags]

Projects the event logs of Redis into PostgreSQL, and delivers webhooks when BOXOFFICE_WEBHOOKS_KEY is set
(distributed shape). Flags win over the environment:
${settingsUsage(WORKER_SETTINGS)}`;

/** The worker's flags by name (`redis-url`, …); throws on an unknown or malformed flag. */
export function parseWorkerFlags(args: string[]): Record<string, string | undefined> {
  const options = settingsFlagOptions(WORKER_SETTINGS);
  return parseArgs({ args, options, strict: true }).values as Record<string, string | undefined>;
}
