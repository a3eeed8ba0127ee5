// The store's database across the thread channel, on a real PGlite in memory, both sides in this thread (a
// MessageChannel stands in for the worker): statements and interactive transactions arrive, a failed
// statement keeps its SQLSTATE, and a side that is gone fails every request instead of leaving it waiting.
import { MessageChannel } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir } from '../../../test/support/embedded.js';
import { PgliteDriver } from '../../store/pglite/pglite-driver.js';
import { isStoreUnavailable } from '../../store/unavailable.js';
import { ThreadChannel, ThreadGoneError } from './thread-channel.js';
import { serveDriver, WorkerDriver } from './worker-driver.js';

// One PGlite for the file, on a copy of the prepared template (an initdb is slow); each test has a channel
// and a table of its own.
let real: PgliteDriver;
let removeDataDir: () => void = () => {};
beforeAll(async () => {
  const fresh = freshDataDir();
  removeDataDir = fresh.remove;
  real = await PgliteDriver.open(fresh.dataDir);
});
afterAll(async () => {
  await real.close();
  removeDataDir();
});
const ports: MessageChannel[] = [];
afterEach(() => {
  for (const pair of ports.splice(0)) {
    pair.port1.close();
    pair.port2.close();
  }
});

async function connected() {
  const pair = new MessageChannel();
  ports.push(pair);
  const thread = new ThreadChannel(pair.port2);
  serveDriver(thread, real);
  const main = new ThreadChannel(pair.port1);
  const driver = new WorkerDriver(main, async () => {});
  await driver.exec(
    'DROP TABLE IF EXISTS seats; CREATE TABLE seats (id text PRIMARY KEY, owner text NOT NULL)',
  );
  return { main, thread, driver };
}

describe('WorkerDriver over the thread channel', () => {
  it('runs statements, commits a transaction, and rolls one back when its work throws', async () => {
    const { driver } = await connected();
    await driver.query('INSERT INTO seats VALUES ($1, $2)', ['A-1', 'u-1']);
    const kept = await driver.transaction(async (tx) => {
      await tx.query('INSERT INTO seats VALUES ($1, $2)', ['A-2', 'u-2']);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM seats'))[0]?.n;
    });
    expect(kept).toBe(2);
    await expect(
      driver.transaction(async (tx) => {
        await tx.query('INSERT INTO seats VALUES ($1, $2)', ['A-3', 'u-3']);
        throw new Error('the work changed its mind');
      }),
    ).rejects.toThrow('the work changed its mind');
    const rows = await driver.query<{ id: string }>('SELECT id FROM seats ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual(['A-1', 'A-2']);
  });

  it('a failed statement arrives with its SQLSTATE, and the transaction is rolled back', async () => {
    const { driver } = await connected();
    await driver.query('INSERT INTO seats VALUES ($1, $2)', ['A-1', 'u-1']);
    const failed = await driver
      .transaction(async (tx) => {
        await tx.query('INSERT INTO seats VALUES ($1, $2)', ['A-2', 'u-2']);
        await tx.query('INSERT INTO seats VALUES ($1, $2)', ['A-1', 'u-9']);
      })
      .catch((error: unknown) => error as Error & { code?: string });
    expect(failed).toBeInstanceOf(Error);
    expect(failed).toMatchObject({ code: '23505' });
    expect(await driver.query('SELECT id FROM seats')).toHaveLength(1);
    // The one connection is free again.
    expect(await driver.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('once the other side is gone, waiting and later requests fail as an outage of the store', async () => {
    const { main, thread, driver } = await connected();
    thread.handle('never', () => new Promise(() => {}));
    const waiting = main.request('never');
    const gone = new ThreadGoneError('The projection thread exited unexpectedly (exit code 1).');
    main.fail(gone);
    await expect(waiting).rejects.toBe(gone);
    await expect(driver.query('SELECT 1')).rejects.toBe(gone);
    expect(isStoreUnavailable(gone)).toBe(true);
  });
});
