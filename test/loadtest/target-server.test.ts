// The private server of a load test listens on the port it is given (`bench --port`), and is gone after stop.
import { afterAll, describe, expect, it } from 'vitest';
import { openTarget, type TargetServer } from '../../tools/loadtest/target-server.js';
import { freePort } from '../support/redis-server.js';

describe('private load-test server', () => {
  let server: TargetServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  /** A fresh data dir is initialised on start: tens of seconds on a busy two-core machine. */
  it('listens on the port it is given', { timeout: 120_000 }, async () => {
    const port = await freePort();
    server = await openTarget(undefined, undefined, port, {}, () => {});
    expect(server.baseUrl).toBe(`http://127.0.0.1:${port}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await server.stop()).toEqual([]);
  });
});
