// `boxoffice reconcile` as an operator runs it: against a Redis whose counts drifted, it rebuilds the event
// from PostgreSQL plus the unprojected log and prints the audit before (inconsistent) and after (consistent).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeys } from '../../src/gate/redis/keys.js';
import {
  admin,
  distributedAvailable,
  eventBody,
  startDistributed,
  type TestDistributed,
  uniqueEventId,
} from '../support/distributed.js';

const run = promisify(execFile);
const available = await distributedAvailable();

async function reconcile(bo: TestDistributed, ...args: string[]) {
  const env = { ...process.env, REDIS_URL: bo.redisServer?.url, DATABASE_URL: bo.database.url };
  try {
    const { stdout } = await run(process.execPath, ['dist/cli/main.js', 'reconcile', ...args], { env });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

describe.runIf(available)('boxoffice reconcile', () => {
  let bo: TestDistributed;
  const eventId = uniqueEventId('rec');

  beforeAll(async () => {
    bo = await startDistributed();
    await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 50, price: 100 }] }),
    });
    for (let i = 0; i < 5; i++) {
      const hold = await bo.app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        payload: { userId: `u${i}`, quantity: 2 },
      });
      if (i % 2 === 0) await bo.app.inject({ method: 'POST', url: `/v1/holds/${hold.json().id}/confirm` });
    }
    await bo.settle(eventId);
  });
  afterAll(async () => bo?.dispose());

  it('reports a consistent event with --check and changes nothing', async () => {
    const result = await reconcile(bo, eventId, '--check');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${eventId} audit: gate sold 6 held 4 available 40`);
    expect(result.stdout).toContain('consistent');
  });

  it('repairs drifted gate counts from the store and exits 0', async () => {
    await bo.redis.hincrby(eventKeys(eventId).counts, 'p:ga:held', 7);
    const check = await reconcile(bo, eventId, '--check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('INCONSISTENT');
    const result = await reconcile(bo, eventId);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${eventId} before: .*drift sold 0 held 7 .*INCONSISTENT`));
    expect(result.stdout).toMatch(
      new RegExp(`${eventId} after: gate sold 6 held 4 available 40 .*consistent`),
    );
    const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
    expect(audit.json()).toMatchObject({ consistent: true, gate: { sold: 6, held: 4 } });
  });

  it('refuses to rebuild in the embedded shape, and says why (only --check works there)', async () => {
    const { code, stdout } = await run(process.execPath, ['dist/cli/main.js', 'reconcile'], {
      env: { PATH: process.env.PATH },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stdout: e.stderr }),
    );
    expect(code).toBe(2);
    expect(stdout).toContain('The embedded shape cannot rebuild a damaged store');
  });
});
