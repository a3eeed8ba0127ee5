// The embedded store's page cache (BOXOFFICE_STORE_CACHE_MB, pglite-driver.ts): PGlite keeps it in its
// WebAssembly memory for good, so its size is the operator's choice between memory and speed.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { PgliteDriver, STORE_CACHE_MB_DEFAULT } from '../../src/store/pglite/pglite-driver.js';
import { freshDataDir } from '../support/embedded.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sharedBuffers(cacheMb?: number): Promise<string | undefined> {
  const { dataDir, remove } = freshDataDir();
  cleanups.push(remove);
  const driver = await PgliteDriver.open(dataDir, { cacheMb });
  cleanups.push(() => driver.close());
  const [row] = await driver.query<{ shared_buffers: string }>('SHOW shared_buffers');
  return row?.shared_buffers;
}

describe('PGlite store cache', () => {
  it("is Postgres's 128MB unless set", async () => {
    expect(STORE_CACHE_MB_DEFAULT).toBe(128);
    expect(loadConfig({}).storeCacheMb).toBe(128);
    expect(await sharedBuffers()).toBe('128MB');
  });

  it('takes BOXOFFICE_STORE_CACHE_MB', async () => {
    const config = loadConfig({ BOXOFFICE_STORE_CACHE_MB: '16' });
    expect(await sharedBuffers(config.storeCacheMb)).toBe('16MB');
  });
});
