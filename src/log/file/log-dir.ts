import { join } from 'node:path';

/** The log file's directory inside the embedded shape's data dir. */
export function logDirOf(dataDir: string): string {
  return join(dataDir, 'log');
}
