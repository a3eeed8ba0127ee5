// `boxoffice reconcile --check` in the embedded shape: the start-up integrity check on demand, one line
// per event, changing nothing. Repair is not offered: the rows a damaged PGlite store lost can be rebuilt
// only from a record kept apart from it, and the embedded shape keeps none yet, so the way back is a
// restore of the data directory from a backup.
import { checkLogDir } from '../log/file/check-log.js';
import { logDirOf } from '../log/file/log-dir.js';
import { countersWitness, hasIntegrityCounters } from '../store/integrity/counters.js';
import { checkIntegrity, type IntegrityWitness, isIntact } from '../store/integrity/integrity-check.js';
import { StoreDamagedError } from '../store/integrity/store-damaged.js';
import { reportOf } from '../store/integrity/verdict-text.js';
import { acquireDataDirLock } from '../store/pglite/data-dir-lock.js';
import { PgliteDriver } from '../store/pglite/pglite-driver.js';
import { prepareDataDir } from '../store/pglite/store-marker.js';

export const EMBEDDED_REPAIR_UNAVAILABLE =
  'The embedded shape cannot rebuild a damaged store: it keeps no record apart from the store to rebuild it from. ' +
  'Run `boxoffice reconcile --check` to see what differs, then restore the data directory from a backup.\n';

/** Exit status: 0 intact, 1 damaged or unreadable. */
export async function checkEmbeddedStore(dataDir: string): Promise<number> {
  try {
    prepareDataDir(dataDir, false);
  } catch (error) {
    process.stdout.write(`${dataDir}: ${(error as Error).message}\n`);
    return 1;
  }
  const releaseLock = acquireDataDirLock(dataDir);
  try {
    let driver: PgliteDriver;
    try {
      driver = await PgliteDriver.open(dataDir, { create: false });
    } catch (error) {
      if (!(error instanceof StoreDamagedError)) throw error;
      process.stdout.write(`${dataDir}: DAMAGED: ${error.message}\n`);
      return 1;
    }
    try {
      const witnesses: IntegrityWitness[] = [];
      if (await hasIntegrityCounters(driver)) witnesses.push(countersWitness);
      else
        process.stdout.write(
          'no integrity counters yet (a store written before they existed): only the seat index is checked; `serve` starts them\n',
        );
      const verdict = await checkIntegrity(driver, witnesses);
      for (const line of reportOf(verdict)) process.stdout.write(`${line}\n`);
      // The log file beside the store: its frames against their checksums.
      const log = checkLogDir(logDirOf(dataDir));
      process.stdout.write(`${log.line}\n`);
      const intact = isIntact(verdict) && log.intact;
      process.stdout.write(
        intact
          ? `${dataDir}: intact (${verdict.events.length} events)\n`
          : `${dataDir}: DAMAGED: restore the data directory from a backup\n`,
      );
      return intact ? 0 : 1;
    } finally {
      await driver.close();
    }
  } finally {
    releaseLock();
  }
}
