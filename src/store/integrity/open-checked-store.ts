// The embedded store as the server may use it: opened (refusing a directory that is not a store),
// migrated, its integrity counters in place, and checked against them. Every way this can fail ends in a
// StoreDamagedError whose message is one line, never a raw engine error or a silent start.

import { migrate } from '../migrate.js';
import { PgliteDriver } from '../pglite/pglite-driver.js';
import { ensureMarker } from '../pglite/store-marker.js';
import type { SqlDriver } from '../sql-driver.js';
import { SqlStore } from '../sql-store.js';
import { countersWitness, ensureIntegrityCounters, hasIntegrityCounters } from './counters.js';
import { checkIntegrity, isIntact } from './integrity-check.js';
import { firstLine, StoreDamagedError, whatToDo } from './store-damaged.js';
import { refusalOf } from './verdict-text.js';

export interface CheckedStoreOptions {
  /** PGlite data directory; undefined keeps the store in memory. */
  readonly dataDir?: string;
  /** An opened driver to use instead of opening dataDir (tests wrap the real one to inject faults). */
  readonly driver?: SqlDriver;
  /** PGlite's page cache in MB (BOXOFFICE_STORE_CACHE_MB). */
  readonly cacheMb?: number;
}

export async function openCheckedStore(options: CheckedStoreOptions): Promise<SqlStore> {
  const driver = options.driver ?? (await PgliteDriver.open(options.dataDir, { cacheMb: options.cacheMb }));
  const where = options.dataDir ?? 'memory';
  try {
    // A store with counters is checked before a migration may write to it; one made before they existed
    // gets them from its contents once migrated, and its seat index is checked then.
    const hadCounters = await hasIntegrityCounters(driver);
    if (hadCounters) await refuseIfDamaged(driver, where);
    await migrate(driver);
    if (!hadCounters) {
      await ensureIntegrityCounters(driver);
      await refuseIfDamaged(driver, where);
    }
    // A store made before the marker existed is adopted once it has passed its check.
    if (options.dataDir !== undefined) ensureMarker(options.dataDir, Date.now());
  } catch (error) {
    await driver.close().catch(() => {});
    throw explainStartFault(where, error);
  }
  return new SqlStore(driver, { integrityCounters: true });
}

async function refuseIfDamaged(driver: SqlDriver, where: string): Promise<void> {
  const verdict = await checkIntegrity(driver, [countersWitness]);
  if (!isIntact(verdict)) throw new StoreDamagedError(refusalOf(where, verdict));
}

/** Any fault of the store during start-up as a one-line refusal (a refusal already is one). */
export function explainStartFault(where: string, error: unknown): Error {
  if (error instanceof StoreDamagedError) return error;
  return new StoreDamagedError(
    `The store in ${where} could not be read at start (${firstLine(error)}), so the server did not start. ${whatToDo(where)}`,
  );
}
