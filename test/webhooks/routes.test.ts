// The webhook routes on a real embedded app: admin only, the secret shown once and never again, stable
// error codes for bad input, SSRF refusals at registration, deliveries and replay; and the walk of a
// platform through hold → confirm / release / expiry / cancellation, announced from the journal's entries.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryLog } from '../../src/log/memory/memory-log.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { WebhookStore } from '../../src/webhooks/webhook-store.js';
import {
  ADMIN_TOKEN,
  eventBody,
  manualClock,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';
import { TEST_BOX } from './fixtures.js';
import { Receiver } from './receiver.js';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const clock = manualClock();
let embedded: TestEmbedded;
let driver: SqlDriver;
let store: WebhookStore;
let allowPrivate = true;
let log: MemoryLog;
let receiver: Receiver;

beforeAll(async () => {
  embedded = await startEmbedded({
    clock: clock.now,
    wrapDriver: (real) => {
      driver = real;
      return real;
    },
    webhooksForTests: (real) => {
      store = new WebhookStore(real);
      return {
        store,
        secrets: TEST_BOX,
        guard: {
          get allowPrivate() {
            return allowPrivate;
          },
          resolve: async (host) => (host === 'public.example' ? ['93.184.215.14'] : ['10.1.2.3']),
        },
      };
    },
  });
  // The journal's durable batches are the log here: what the embedded shape's log adapter will append.
  embedded.journal.onDurable((entries) => void log.append(entries));
});
afterAll(async () => embedded.dispose());

beforeEach(async () => {
  allowPrivate = true;
  log = new MemoryLog();
  receiver = await Receiver.start();
  await driver.exec(
    'DELETE FROM webhook_endpoints; DELETE FROM webhook_deliveries; DELETE FROM webhook_attempts;',
  );
});
afterEach(async () => receiver.close());

async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  headers = admin,
) {
  return embedded.app.inject({ method, url, payload, headers });
}

async function register(events = ['hold.expired', 'hold.released', 'order.confirmed', 'order.cancelled']) {
  const response = await call('POST', '/v1/webhooks', { url: receiver.url, events, description: 'test' });
  expect(response.statusCode).toBe(201);
  const body = response.json();
  receiver.secrets.push(body.secret);
  return body as { id: string; secret: string };
}

describe('webhook endpoints', () => {
  it('registers with a secret shown once, then lists and reads without it', async () => {
    const made = await register();
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(made).toMatchObject({ url: receiver.url, enabled: true, description: 'test' });
    const one = await call('GET', `/v1/webhooks/${made.id}`);
    expect(one.statusCode).toBe(200);
    const list = await call('GET', '/v1/webhooks');
    expect(list.json().webhooks.map((w: { id: string }) => w.id)).toEqual([made.id]);
    for (const text of [one.body, list.body]) {
      expect(text).not.toContain('secret"');
      expect(text).not.toContain(made.secret.slice(6));
    }
    // At rest it is sealed, not plain.
    const [row] = await driver.query<{ secret_sealed: string }>(
      'SELECT secret_sealed FROM webhook_endpoints',
    );
    expect(row?.secret_sealed).not.toContain(made.secret.slice(6));
    expect(TEST_BOX.open(row?.secret_sealed as string)).toBe(made.secret);
  });

  it('is admin only', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }]) {
      const response = await call(
        'POST',
        '/v1/webhooks',
        { url: receiver.url, events: ['order.confirmed'] },
        headers as typeof admin,
      );
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('unauthorized');
    }
    expect((await call('GET', '/v1/webhooks', undefined, {} as typeof admin)).statusCode).toBe(401);
  });

  it('refuses bad input with stable codes, changing nothing', async () => {
    const cases: [object, string][] = [
      [{ url: 'ftp://public.example/x', events: ['order.confirmed'] }, 'webhook_url_invalid'],
      [{ url: 'not a url', events: ['order.confirmed'] }, 'webhook_url_invalid'],
      [{ url: 'https://user:pw@public.example/', events: ['order.confirmed'] }, 'webhook_url_invalid'],
      [{ url: 'https://public.example/', events: ['order.shipped'] }, 'invalid_request'],
      [{ url: 'https://public.example/', events: [] }, 'invalid_request'],
      [{ url: 'https://public.example/', events: ['order.confirmed'], extra: 1 }, 'invalid_request'],
    ];
    for (const [payload, code] of cases) {
      const response = await call('POST', '/v1/webhooks', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe(code);
    }
    expect((await call('GET', '/v1/webhooks')).json().webhooks).toEqual([]);
    const missing = await call('GET', '/v1/webhooks/wh_AAAAAAAAAAAAAAAA');
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'webhook_not_found']);
    expect((await call('GET', '/v1/webhooks/nope')).json().error.code).toBe('invalid_request');
    const unknown = '/v1/webhooks/wh_AAAAAAAAAAAAAAAA';
    for (const [method, url, payload] of [
      ['PATCH', unknown, { enabled: false }],
      ['POST', `${unknown}/rotate-secret`, {}],
      ['GET', `${unknown}/deliveries`, undefined],
      ['POST', `${unknown}/replay`, { deliveryId: 'dlv_1' }],
    ] as const) {
      const response = await call(method, url, payload);
      expect([response.statusCode, response.json().error.code], url).toEqual([404, 'webhook_not_found']);
    }
    const badLimit = await call('GET', `${unknown}/deliveries?limit=0`);
    expect(badLimit.json().error.code).toBe('invalid_request');
  });

  it('refuses URLs that reach private addresses unless allowed', async () => {
    allowPrivate = false;
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://10.0.0.5/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'https://internal.example/', // resolves to 10.1.2.3
    ]) {
      const response = await call('POST', '/v1/webhooks', { url, events: ['order.confirmed'] });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code, url).toBe('webhook_url_forbidden');
    }
    const ok = await call('POST', '/v1/webhooks', {
      url: 'https://public.example/hooks',
      events: ['order.confirmed'],
    });
    expect(ok.statusCode).toBe(201);
    const moved = await call('PATCH', `/v1/webhooks/${ok.json().id}`, { url: 'http://10.0.0.1/' });
    expect([moved.statusCode, moved.json().error.code]).toEqual([400, 'webhook_url_forbidden']);
  });

  it('disables, enables, changes, rotates and deletes', async () => {
    const made = await register();
    const disabled = await call('PATCH', `/v1/webhooks/${made.id}`, { enabled: false });
    expect(disabled.json()).toMatchObject({ enabled: false, disabledReason: 'admin' });
    const enabled = await call('PATCH', `/v1/webhooks/${made.id}`, {
      enabled: true,
      events: ['order.confirmed'],
      description: 'new',
    });
    expect(enabled.json()).toMatchObject({ enabled: true, events: ['order.confirmed'], description: 'new' });
    expect(enabled.json().disabledReason).toBeUndefined();
    const rotated = await call('POST', `/v1/webhooks/${made.id}/rotate-secret`, { overlapSeconds: 3600 });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(made.secret);
    const noBody = await call('POST', `/v1/webhooks/${made.id}/rotate-secret`);
    expect(noBody.statusCode, noBody.body).toBe(200);
    expect(
      (await call('POST', `/v1/webhooks/${made.id}/rotate-secret`, { overlapSeconds: -1 })).statusCode,
    ).toBe(400);
    expect((await call('PATCH', `/v1/webhooks/${made.id}`, {})).json().error.code).toBe('invalid_request');
    expect((await call('DELETE', `/v1/webhooks/${made.id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/v1/webhooks/${made.id}`)).json().error.code).toBe('webhook_not_found');
  });
});

describe('a platform along hold → payment → confirm, release, expiry, cancellation', () => {
  it('receives each webhook from the log, lists its deliveries, and can replay one', async () => {
    const hook = await register();
    const eventId = uniqueEventId();
    expect(
      (
        await call(
          'POST',
          '/v1/events',
          eventBody(eventId, { pools: [{ id: 'ga', capacity: 10, price: 25 }] }),
        )
      ).statusCode,
    ).toBe(201);
    const hold = async (userId: string) => {
      const response = await call('POST', `/v1/events/${eventId}/holds`, {
        userId,
        poolId: 'ga',
        quantity: 1,
      });
      expect(response.statusCode).toBe(201);
      return response.json().id as string;
    };
    const paid = await hold('alice');
    const confirm = await call('POST', `/v1/holds/${paid}/confirm`, {
      paymentReference: 'pay_1',
      amount: 25,
    });
    expect(confirm.statusCode).toBe(201);
    const orderId = confirm.json().id as string;
    const dropped = await hold('bob');
    expect((await call('DELETE', `/v1/holds/${dropped}`)).statusCode).toBe(200);
    const lapsed = await hold('carol');
    clock.advance(301_000);
    await embedded.reservations.sweepExpired();
    expect((await call('POST', `/v1/orders/${orderId}/cancel`)).statusCode).toBe(200);
    await embedded.journal.sync();

    const dispatcher = new WebhookDispatcher({
      log,
      store,
      secrets: TEST_BOX,
      member: 'api-1',
      allowPrivate: true,
      schedule: [1],
    });
    for (let round = 0; round < 100 && receiver.accepted.length < 4; round++) {
      await dispatcher.ingestOnce();
      await dispatcher.sendOnce();
    }
    await dispatcher.stop();
    expect(receiver.unverified).toEqual([]);
    expect(receiver.accepted.map((r) => [r.payload.type, r.payload.data.holdId])).toEqual([
      ['order.confirmed', paid],
      ['hold.released', dropped],
      ['hold.expired', lapsed],
      ['order.cancelled', paid],
    ]);
    expect(receiver.accepted[0]?.payload.data).toMatchObject({
      orderId,
      paymentReference: 'pay_1',
      total: 25,
      late: false,
      userId: 'alice',
    });

    const deliveries = await call('GET', `/v1/webhooks/${hook.id}/deliveries?limit=2`);
    expect(deliveries.statusCode).toBe(200);
    const page = deliveries.json();
    expect(page.deliveries.map((d: { type: string }) => d.type)).toEqual(['order.cancelled', 'hold.expired']);
    expect(page.deliveries[0]).toMatchObject({
      status: 'delivered',
      attempts: [{ attempt: 1, outcome: 'succeeded', responseStatus: 204 }],
    });
    const rest = (await call('GET', `/v1/webhooks/${hook.id}/deliveries?cursor=${page.nextCursor}`)).json();
    expect(rest.deliveries).toHaveLength(2);
    expect(rest.nextCursor).toBeUndefined();

    const first = rest.deliveries[1];
    const replay = await call('POST', `/v1/webhooks/${hook.id}/replay`, { deliveryId: first.id });
    expect(replay.statusCode).toBe(202);
    const again = new WebhookDispatcher({
      log,
      store,
      secrets: TEST_BOX,
      member: 'api-1',
      allowPrivate: true,
    });
    await again.sendOnce();
    await again.stop();
    expect(receiver.accepted).toHaveLength(5);
    expect(receiver.accepted[4]?.id).toBe(receiver.accepted[0]?.id);

    const range = await call('POST', `/v1/webhooks/${hook.id}/replay`, {
      since: '2000-01-01T00:00:00Z',
      until: '2100-01-01T00:00:00Z',
    });
    expect(range.json().deliveryIds).toHaveLength(4);
    const unknown = await call('POST', `/v1/webhooks/${hook.id}/replay`, { deliveryId: 'dlv_999999' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'webhook_delivery_not_found']);
    const both = await call('POST', `/v1/webhooks/${hook.id}/replay`, {
      deliveryId: first.id,
      since: '2000-01-01T00:00:00Z',
    });
    expect(both.json().error.code).toBe('invalid_request');
  });
});
