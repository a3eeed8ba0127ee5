// A PGlite data dir created and migrated: what the bench's servers start on (init-data-dir.ts) and the
// template the tests copy (test/support/global-setup.ts).
import { migrate } from '../../src/store/migrate.js';
import { PgliteDriver } from '../../src/store/pglite/pglite-driver.js';

export async function createMigratedDataDir(dataDir: string): Promise<void> {
  const driver = await PgliteDriver.open(dataDir);
  try {
    await migrate(driver);
  } finally {
    await driver.close();
  }
}
