// The log file checked without changing it (`boxoffice reconcile --check`): every segment's frames against
// their CRC32C, as the start does, but a torn tail is only reported (the next start cuts it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanSegment } from './frames.js';
import { LogDamagedError } from './log-errors.js';

export interface LogCheck {
  readonly intact: boolean;
  readonly line: string;
  /** Where the damage is, when not intact. */
  readonly damage?: { readonly segment: string; readonly offset: number; readonly reason: string };
}

export function checkLogDir(dir: string): LogCheck {
  if (!existsSync(dir)) return { intact: true, line: `${dir}: no log file yet` };
  const names = readdirSync(dir)
    .filter((name) => /^\d{20}\.seg$/.test(name))
    .sort();
  let entries = 0;
  let tail = '';
  for (const [index, name] of names.entries()) {
    const path = join(dir, name);
    const scanned = scanSegment(readFileSync(path));
    for (const batch of scanned.batches) entries += batch.length;
    const damage = scanned.damage;
    if (damage === undefined) continue;
    if (index < names.length - 1 || !damage.tail)
      return {
        intact: false,
        damage: { segment: path, offset: damage.offset, reason: damage.reason },
        line: `${path}: DAMAGED at byte ${damage.offset} (${damage.reason}), and records follow it (log_damaged): restore the data directory from a backup`,
      };
    tail = `; a torn write at byte ${damage.offset} of ${path} (${damage.reason}) is cut at the next start`;
  }
  return { intact: true, line: `${dir}: intact (${names.length} segments, ${entries} entries${tail})` };
}

/** Throws LogDamagedError when the log in dir is damaged in the middle; reads only (the store is opened after). */
export function refuseDamagedLog(dir: string): void {
  const damage = checkLogDir(dir).damage;
  if (damage !== undefined) throw new LogDamagedError(damage.segment, damage.offset, damage.reason);
}
