// examples/webhook-receiver.mjs, run as a platform would run it: it accepts what the dispatcher sends,
// prints each event once though it is redelivered, and refuses a forged signature.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryLog } from '../../src/log/memory/memory-log.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { registerEndpoint } from '../../src/webhooks/endpoints.js';
import { mintSigningSecret, webhookHeaders } from '../../src/webhooks/signing.js';
import { WebhookStore } from '../../src/webhooks/webhook-store.js';
import { confirmed, holdOf, pgliteStore, TEST_BOX } from './fixtures.js';

let opened: Awaited<ReturnType<typeof pgliteStore>>;
let child: ChildProcess | undefined;
beforeAll(async () => {
  opened = await pgliteStore();
});
afterAll(async () => {
  child?.kill();
  await opened.dispose();
});

it('verifies, deduplicates and refuses forgeries', async () => {
  const store = new WebhookStore(opened.driver);
  const secret = mintSigningSecret();
  child = spawn(process.execPath, ['examples/webhook-receiver.mjs'], {
    env: { ...process.env, WEBHOOK_SECRET: secret, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors = createInterface({ input: child.stderr as NodeJS.ReadableStream });
  const [listening] = (await once(errors, 'line')) as [string];
  const url = /listening on (\S+)/.exec(listening)?.[1] as string;
  const lines: string[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => lines.push(line));

  // The real secret in the store: the dispatcher signs with it.
  const made = await registerEndpoint(store, TEST_BOX, { url, events: ['order.confirmed'] }, Date.now());
  await opened.driver.query('UPDATE webhook_endpoints SET secret_sealed = $1 WHERE id = $2', [
    TEST_BOX.seal(secret),
    made.endpoint.id,
  ]);
  const log = new MemoryLog();
  await log.append([confirmed(holdOf('e1', 1))]);
  const dispatcher = new WebhookDispatcher({
    log,
    store,
    secrets: TEST_BOX,
    member: 'm',
    allowPrivate: true,
  });
  await dispatcher.ingestOnce();
  expect(await dispatcher.sendOnce()).toBe(1);
  const [{ items }] = [await store.listDeliveries(made.endpoint.id, 1)];
  expect(items[0]?.delivery.status).toBe('delivered');
  // A replay (same webhook-id) is acknowledged and not handled twice.
  await store.replay(made.endpoint.id, { seq: items[0]?.delivery.seq as number }, Date.now(), 1);
  expect(await dispatcher.sendOnce()).toBe(1);
  await dispatcher.stop();

  const body = '{"type":"order.confirmed","data":{}}';
  const now = Math.floor(Date.now() / 1000);
  const forged = await fetch(url, {
    method: 'POST',
    body,
    headers: webhookHeaders([mintSigningSecret()], 'msg_x', now, body),
  });
  expect(forged.status).toBe(401);
  const stale = await fetch(url, {
    method: 'POST',
    body,
    headers: webhookHeaders([secret], 'msg_y', now - 3600, body),
  });
  expect(stale.status).toBe(401);
  const good = await fetch(url, {
    method: 'POST',
    body,
    headers: webhookHeaders([secret], 'msg_z', now, body),
  });
  expect(good.status).toBe(204);
  expect(lines.map((line) => JSON.parse(line).type)).toEqual(['order.confirmed', 'order.confirmed']);
  expect(JSON.parse(lines[0] as string).data.holdId).toBe(holdOf('e1', 1).id);
});
