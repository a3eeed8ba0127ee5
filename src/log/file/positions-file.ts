// Group positions on disk: one small JSON file per group, replaced atomically (written aside, then renamed),
// so a crash leaves the old position or the new one, never half of either. A stale position only makes the
// group see some records again after a restart.
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const SUFFIX = '.group';

export function readPositions(dir: string): Map<string, number> {
  const positions = new Map<string, number>();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(SUFFIX)) continue;
    const parsed = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { group: string; acked: number };
    positions.set(parsed.group, parsed.acked);
  }
  return positions;
}

export function writePosition(dir: string, group: string, acked: number, sync: boolean): void {
  const path = join(dir, `${encodeURIComponent(group)}${SUFFIX}`);
  const aside = `${path}.tmp`;
  const fd = openSync(aside, 'w');
  try {
    writeSync(fd, `${JSON.stringify({ group, acked })}\n`);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(aside, path);
}
