// PGlite has no server to arbitrate: two processes on one data directory would corrupt it. A lock file
// with the owner's pid keeps a second server out; a lock left by a killed process is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Another live process owns the data directory: an operator's mistake, reported without a stack. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

export function acquireDataDirLock(dataDir: string): () => void {
  const path = join(dataDir, 'boxoffice.lock');
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(path, 'utf8'));
    if (owner !== process.pid && isAlive(owner)) {
      throw new DataDirInUseError(
        `Data directory ${dataDir} is in use by process ${owner}; stop it or choose another BOXOFFICE_DATA_DIR.`,
      );
    }
    writeFileSync(path, String(process.pid));
  }
  return () => rmSync(path, { force: true });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
