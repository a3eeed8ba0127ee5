// The key that signs queue passes when BOXOFFICE_QUEUE_SECRET is unset: generated once and kept where every
// process that checks passes finds it. Embedded: a file in the data dir (mode 0600), so passes stay valid
// across restarts. Distributed: a Redis key set only if absent, so every API instance signs with the same key.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from '../gate/redis/scripts.js';
import { QUEUE_SECRET_KEY } from './redis/queue-keys.js';

const SECRET_FILE = 'queue-secret';

function generated(): string {
  return randomBytes(32).toString('base64url');
}

/** The configured secret, else the data dir's (created when missing), else one for this process only. */
export function fileQueueSecret(configured: string | undefined, dataDir: string | undefined): string {
  if (configured) return configured;
  if (dataDir === undefined) return generated();
  const path = join(dataDir, SECRET_FILE);
  try {
    writeFileSync(path, generated(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(path, 'utf8').trim();
}

/** The configured secret, else the one in Redis (set by whichever instance came first). */
export async function redisQueueSecret(configured: string | undefined, redis: RedisClient): Promise<string> {
  if (configured) return configured;
  await redis.set(QUEUE_SECRET_KEY, generated(), 'NX');
  const stored = await redis.get(QUEUE_SECRET_KEY);
  if (stored === null) throw new Error('The queue secret could not be kept in Redis.');
  return stored;
}
