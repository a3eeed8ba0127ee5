// The embedded store's page cache is kept small on purpose (PGLITE_SHARED_BUFFERS, pglite-driver.ts): its
// WebAssembly memory never shrinks, so Postgres's default 128 MB would be resident for good.
import { afterEach, describe, expect, it } from 'vitest';
import { PGLITE_SHARED_BUFFERS, PgliteDriver } from '../../src/store/pglite/pglite-driver.js';
import { freshDataDir } from '../support/embedded.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('PGlite store', () => {
  it(`opens a data dir with shared_buffers of ${PGLITE_SHARED_BUFFERS}, not Postgres's 128MB`, async () => {
    const { dataDir, remove } = freshDataDir();
    cleanups.push(remove);
    const driver = await PgliteDriver.open(dataDir);
    cleanups.push(() => driver.close());
    const [row] = await driver.query<{ shared_buffers: string }>('SHOW shared_buffers');
    expect(PGLITE_SHARED_BUFFERS).toBe('16MB');
    expect(row?.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
  });
});
