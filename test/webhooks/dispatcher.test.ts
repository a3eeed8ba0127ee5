// Webhook delivery over the log port (MemoryLog) and a real store (PGlite), to a real receiver that
// verifies every request with the reference `standardwebhooks` package.
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HoldPlaced, type LogEntry, subjectIdOf } from '../../src/domain/log-entry.js';
import type { Hold } from '../../src/domain/types.js';
import type { Log, LogConsumer } from '../../src/log/log.js';
import { MemoryLog } from '../../src/log/memory/memory-log.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import {
  messageIdOf,
  WEBHOOKS_GROUP,
  WebhookDispatcher,
  type WebhookDispatcherOptions,
} from '../../src/webhooks/dispatcher.js';
import { registerEndpoint, rotateEndpointSecret } from '../../src/webhooks/endpoints.js';
import type { WebhookEventType } from '../../src/webhooks/event-types.js';
import { createWebhookMetrics } from '../../src/webhooks/webhook-metrics.js';
import { WebhookStore } from '../../src/webhooks/webhook-store.js';
import {
  cancelled,
  confirmed,
  expired,
  holdOf,
  pgliteStore,
  placed,
  released,
  T0,
  TEST_BOX,
} from './fixtures.js';
import { Receiver } from './receiver.js';

const ALL: WebhookEventType[] = ['hold.expired', 'hold.released', 'order.confirmed', 'order.cancelled'];

let driver: SqlDriver;
let dispose: () => Promise<void>;
let store: WebhookStore;
let log: MemoryLog;
let receiver: Receiver;
const dispatchers: WebhookDispatcher[] = [];

// One store for the file (opening PGlite costs seconds); each test starts with empty tables.
beforeAll(async () => {
  ({ driver, dispose } = await pgliteStore());
  store = new WebhookStore(driver);
});
afterAll(async () => dispose());

beforeEach(async () => {
  await driver.exec(
    'DELETE FROM webhook_endpoints; DELETE FROM webhook_deliveries; DELETE FROM webhook_attempts;',
  );
  log = new MemoryLog();
  receiver = await Receiver.start();
});

afterEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop();
  await receiver.close();
});

function dispatcher(options: Partial<WebhookDispatcherOptions> = {}): WebhookDispatcher {
  const made = new WebhookDispatcher({
    log,
    store,
    secrets: TEST_BOX,
    member: 'm1',
    allowPrivate: true,
    schedule: [1, 1, 1],
    random: () => 0.5,
    timeoutMs: 2_000,
    idleMs: 5,
    ...options,
  });
  dispatchers.push(made);
  return made;
}

async function endpoint(events: WebhookEventType[] = ALL, url = receiver.url) {
  const made = await registerEndpoint(store, TEST_BOX, { url, events }, Date.now());
  receiver.secrets.push(made.secret);
  return made;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long run() keeps sending: past the longest wait a test asks for (a 1 s Retry-After), with room. */
const RUN_BOUND_MS = 15_000;

/** Ingests everything, then sends rounds until `done` (bounded in time, not in rounds: waits are in time). */
async function run(d: WebhookDispatcher, done: () => boolean | Promise<boolean>): Promise<void> {
  while ((await d.ingestOnce()) > 0);
  const deadline = Date.now() + RUN_BOUND_MS;
  while (!(await done()) && Date.now() < deadline) {
    await d.sendOnce();
    await sleep(3);
  }
  expect(await done()).toBe(true);
}

describe('webhook delivery', () => {
  it('announces endings and orders from log entries, signed, with ids and no secrets', async () => {
    const everything = await endpoint();
    const ordersOnly = await endpoint(['order.confirmed', 'order.cancelled']);
    const [a, b, c] = [holdOf('e1', 1), holdOf('e1', 2), holdOf('e1', 3)];
    await log.append([placed(a), placed(b), placed(c), confirmed(a), released(b), expired(c), cancelled(a)]);
    const d = dispatcher();
    await run(d, () => receiver.accepted.length === 6);
    expect(receiver.unverified).toEqual([]);
    const types = (id: string) =>
      receiver.accepted
        .filter(
          (r) =>
            r.id ===
            messageIdOf(
              `${r.payload.type}:${r.payload.type === 'order.cancelled' ? r.payload.data.orderId : r.payload.data.holdId}`,
              id,
            ),
        )
        .map((r) => r.payload.type);
    expect(types(everything.endpoint.id)).toEqual([
      'order.confirmed',
      'hold.released',
      'hold.expired',
      'order.cancelled',
    ]);
    expect(types(ordersOnly.endpoint.id)).toEqual(['order.confirmed', 'order.cancelled']);
    const confirmedBody = receiver.accepted.find((r) => r.payload.type === 'order.confirmed');
    expect(confirmedBody?.payload.data).toMatchObject({
      eventId: 'e1',
      holdId: a.id,
      userId: 'user-1',
      total: 100,
      quantity: 2,
      late: false,
    });
    expect(confirmedBody?.payload.data.orderId).toMatch(/^o\./);
    // A hold's announcements do not give away the id of the order it may become.
    for (const r of receiver.accepted.filter((r) => r.payload.type.startsWith('hold.')))
      expect(r.body).not.toContain('tok');
    expect(receiver.received.map((r) => r.body).join()).not.toContain('whsec_');
    expect((await log.positions()).find((p) => p.group === WEBHOOKS_GROUP)).toMatchObject({
      pending: 0,
      lag: 0,
    });
  });

  it('announces each sell-out once, after the own message of the entry that made it', async () => {
    const subscribed = await endpoint(['event.sold_out', 'waitlist.offered']);
    const [a, b] = [holdOf('e1', 1), holdOf('e1', 2)];
    const offer = {
      id: 'wl.e1.w',
      eventId: 'e1',
      userId: b.userId,
      quantity: 2,
      poolId: 'ga',
      joinedAtMs: T0,
      seq: 1,
    };
    const soldOut = (hold: Hold, extra: Partial<HoldPlaced> = {}): HoldPlaced => ({
      ...(placed(hold) as HoldPlaced),
      ...extra,
      soldOut: true,
    });
    await log.append([soldOut(a), released(a), soldOut(b, { offer })]);
    await run(dispatcher(), () => receiver.accepted.length === 3);
    expect(receiver.unverified).toEqual([]);
    expect(receiver.accepted.map((r) => `${r.payload.type} ${r.payload.data.holdId}`)).toEqual([
      `event.sold_out ${a.id}`,
      `waitlist.offered ${b.id}`,
      `event.sold_out ${b.id}`,
    ]);
    expect(receiver.accepted[0]?.id).toBe(
      messageIdOf(`event.sold_out:hold_placed:${a.id}`, subscribed.endpoint.id),
    );
    expect(new Set(receiver.accepted.map((r) => r.id)).size).toBe(3);
  });

  it('retries a receiver that fails twice: one success after two recorded failures', async () => {
    const { endpoint: ep } = await endpoint();
    receiver.answer = (n) => (n < 2 ? { status: 500 } : undefined);
    await log.append([confirmed(holdOf('e1', 1))]);
    await run(dispatcher(), () => receiver.accepted.length === 1);
    await sleep(20);
    await dispatcher().sendOnce();
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 204]);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1);
    const { items } = await store.listDeliveries(ep.id, 10);
    expect(items).toHaveLength(1);
    expect(items[0]?.delivery.status).toBe('delivered');
    expect(items[0]?.attempts.map((a) => [a.outcome, a.responseStatus])).toEqual([
      ['failed', 500],
      ['failed', 500],
      ['succeeded', 204],
    ]);
  });

  it('gives up after the last retry, and the next message of the event goes on', async () => {
    const { endpoint: ep } = await endpoint();
    const [a, b] = [holdOf('e1', 1), holdOf('e1', 2)];
    receiver.answer = (_n, id) =>
      id === messageIdOf(`order.confirmed:${a.id}`, ep.id) ? { status: 503 } : undefined;
    await log.append([confirmed(a), confirmed(b)]);
    await run(dispatcher({ schedule: [1, 1] }), () => receiver.accepted.length === 1);
    expect(receiver.received.map((r) => [r.payload.data.holdId, r.status])).toEqual([
      [a.id, 503],
      [a.id, 503],
      [a.id, 503],
      [b.id, 204],
    ]);
    const { items } = await store.listDeliveries(ep.id, 10);
    expect(items.map((i) => i.delivery.status)).toEqual(['delivered', 'failed']);
  });

  it('keeps log order per event and endpoint: a failing message holds back later ones of its event only', async () => {
    const { endpoint: ep } = await endpoint();
    const [a1, a2, b1] = [holdOf('eA', 1), holdOf('eA', 2), holdOf('eB', 1)];
    let failing = true;
    receiver.answer = (_n, id) =>
      failing && id === messageIdOf(`order.confirmed:${a1.id}`, ep.id) ? { status: 500 } : undefined;
    await log.append([confirmed(a1), confirmed(a2), confirmed(b1)]);
    const d = dispatcher({ schedule: [1, 1, 1, 1, 1, 1] });
    while ((await d.ingestOnce()) > 0);
    for (let i = 0; i < 3; i++) {
      await d.sendOnce();
      await sleep(3);
    }
    expect(receiver.accepted.map((r) => r.payload.data.holdId)).toEqual([b1.id]);
    failing = false;
    await run(d, () => receiver.accepted.length === 3);
    expect(receiver.accepted.map((r) => r.payload.data.holdId)).toEqual([b1.id, a1.id, a2.id]);
  });

  it('disables an endpoint that answers 410 Gone, and sends it nothing more', async () => {
    const registry = new Registry();
    const metrics = createWebhookMetrics(registry);
    const { endpoint: ep } = await endpoint();
    receiver.answer = () => ({ status: 410 });
    await log.append([confirmed(holdOf('e1', 1)), confirmed(holdOf('e1', 2))]);
    const d = dispatcher({ metrics });
    await run(d, async () => (await store.getEndpoint(ep.id))?.enabled === false);
    await sleep(10);
    await d.sendOnce();
    expect(receiver.received).toHaveLength(1);
    expect(await store.getEndpoint(ep.id)).toMatchObject({ enabled: false, disabledReason: 'gone' });
    const text = await registry.metrics();
    expect(text).toContain('boxoffice_webhook_endpoints_disabled_total{reason="gone"} 1');
    expect(text).toContain('boxoffice_webhook_deliveries_total{outcome="gone"} 1');
    // A disabled endpoint's waiting deliveries are not counted as the outbox's backlog.
    expect(text).toContain('boxoffice_webhook_outbox_depth 0');
  });

  it('disables an endpoint failing for longer than allowed', async () => {
    const { endpoint: ep } = await endpoint();
    const other = await endpoint();
    receiver.answer = (_n, id) =>
      id.length > 0 && id === messageIdOf(`order.confirmed:${holdOf('e1', 1).id}`, ep.id)
        ? { status: 500 }
        : undefined;
    await log.append([confirmed(holdOf('e1', 1))]);
    await run(
      dispatcher({ disableAfterMs: 0 }),
      async () => (await store.getEndpoint(ep.id))?.enabled === false,
    );
    expect(await store.getEndpoint(ep.id)).toMatchObject({ disabledReason: 'failing' });
    expect(await store.getEndpoint(other.endpoint.id)).toMatchObject({ enabled: true });
  });

  it('does not disable an endpoint whose failures are recent', async () => {
    const { endpoint: ep } = await endpoint();
    receiver.answer = (n) => (n < 2 ? { status: 500 } : undefined);
    await log.append([confirmed(holdOf('e1', 1))]);
    await run(dispatcher({ disableAfterMs: 3_600_000 }), () => receiver.accepted.length === 1);
    expect(await store.getEndpoint(ep.id)).toMatchObject({ enabled: true });
    expect((await store.getEndpoint(ep.id))?.failingSinceMs).toBeUndefined();
  });

  it('honours Retry-After when it asks for longer than the schedule', async () => {
    const { endpoint: ep } = await endpoint();
    receiver.answer = (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : undefined);
    await log.append([confirmed(holdOf('e1', 1))]);
    const d = dispatcher();
    await d.ingestOnce();
    await d.sendOnce();
    const [first] = (await store.listDeliveries(ep.id, 1)).items;
    expect(first?.delivery.nextAttemptAtMs).toBeGreaterThanOrEqual(
      (first?.delivery.lastAttemptAtMs ?? 0) + 1000,
    );
    expect(await d.sendOnce()).toBe(0); // not due yet
    await run(d, () => receiver.accepted.length === 1);
    const { items } = await store.listDeliveries(ep.id, 1);
    const [one, two] = items[0]?.attempts ?? [];
    expect((two?.startedAtMs ?? 0) - (one?.startedAtMs ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('signs with both secrets during a rotation overlap, and with the new one only after it', async () => {
    const { endpoint: ep, secret: old } = await endpoint();
    const rotated = await rotateEndpointSecret(store, TEST_BOX, ep.id, 60_000, Date.now());
    receiver.secrets = [old, rotated?.secret as string];
    await log.append([confirmed(holdOf('e1', 1))]);
    await run(dispatcher(), () => receiver.accepted.length === 1);
    expect(receiver.accepted[0]?.signatures).toHaveLength(2);
    expect(receiver.accepted[0]?.verifiedWith).toEqual([old, rotated?.secret]);
    // Overlap over (a rotation with none): only the newest secret signs.
    const again = await rotateEndpointSecret(store, TEST_BOX, ep.id, 0, Date.now());
    receiver.secrets = [rotated?.secret as string, again?.secret as string];
    await log.append([confirmed(holdOf('e1', 2))]);
    await run(dispatcher(), () => receiver.accepted.length === 2);
    expect(receiver.accepted[1]?.signatures).toHaveLength(1);
    expect(receiver.accepted[1]?.verifiedWith).toEqual([again?.secret]);
  });

  it('refuses to connect to private addresses unless allowed, at send time', async () => {
    const { endpoint: ep } = await endpoint(['order.confirmed']);
    const byName = await endpoint(['order.confirmed'], receiver.url.replace('127.0.0.1', 'localhost'));
    await log.append([confirmed(holdOf('e1', 1))]);
    const d = dispatcher({ allowPrivate: false, schedule: [] });
    await d.ingestOnce();
    await d.sendOnce();
    expect(receiver.received).toEqual([]);
    for (const id of [ep.id, byName.endpoint.id]) {
      const { items } = await store.listDeliveries(id, 1);
      expect(items[0]?.delivery.status).toBe('failed');
      expect(items[0]?.attempts[0]?.error).toMatch(/may not reach/);
    }
  });
});

describe('running', () => {
  it('keeps going through store failures, warning with a growing count, and delivers once it is back', async () => {
    await endpoint();
    await log.append([confirmed(holdOf('e1', 1))]);
    const flaky = new WebhookStore(driver);
    const claimDue = flaky.claimDue.bind(flaky);
    // Calls 1, 2 and 4 fail: the count grows, and starts again after a success.
    let calls = 0;
    flaky.claimDue = async (...args) => {
      calls++;
      if (calls === 1 || calls === 2 || calls === 4) throw new Error('store down');
      return claimDue(...args);
    };
    const warnings: { failures?: number }[] = [];
    const d = dispatcher({ store: flaky, idleMs: 1, logger: { warn: (details) => warnings.push(details) } });
    d.start();
    for (let i = 0; i < 500 && (receiver.accepted.length === 0 || warnings.length < 3); i++) await sleep(10);
    await d.stop();
    expect(receiver.accepted).toHaveLength(1);
    expect(warnings.map((w) => w.failures)).toEqual([1, 2, 1]);
  });
});

describe('crash safety', () => {
  /** A log whose consumers die at acknowledge: entries reach the outbox, the log never hears of it. */
  function dyingAtAck(inner: Log): Log {
    return {
      ...inner,
      positions: (e) => inner.positions(e),
      consumer(group, member): LogConsumer {
        const c = inner.consumer(group, member);
        return {
          readNew: (max) => c.readNew(max),
          claimStale: (idle, max) => c.claimStale(idle, max),
          deadLetter: (r, e) => c.deadLetter(r, e),
          acknowledge: async () => {
            throw new Error('process died');
          },
        };
      },
    };
  }

  it('a fresh dispatcher over the same log and store delivers everything, same ids, in order per event', async () => {
    const { endpoint: ep } = await endpoint();
    const entries: LogEntry[] = [];
    for (let n = 0; n < 12; n++) {
      const hold = holdOf(`e${n % 3}`, n);
      entries.push(n % 4 === 0 ? released(hold) : confirmed(hold));
    }
    for (let n = 0; n < 12; n += 3) entries.push(cancelled(holdOf(`e${n % 3}`, n + 1)));
    await log.append(entries);
    // The first dies mid-stream: part of the log in the outbox, nothing acknowledged, a few sent.
    const first = dispatcher({ log: dyingAtAck(log), batchSize: 5, member: 'first' });
    await first.ingestOnce().catch(() => {});
    await first.sendOnce();
    await first.stop();
    const sentByFirst = receiver.accepted.length;
    expect(sentByFirst).toBeGreaterThan(0);
    expect(sentByFirst).toBeLessThan(entries.length);
    const fresh = dispatcher({ member: 'second', claimIdleMs: 0 });
    const expected = entries.map((entry) => {
      const key =
        entry.type === 'order_cancelled'
          ? `order.cancelled:${entry.orderId}`
          : `${entry.type === 'hold_released' ? 'hold.released' : 'order.confirmed'}:${subjectIdOf(entry)}`;
      return { id: messageIdOf(key, ep.id), eventId: entry.eventId };
    });
    await run(fresh, () => new Set(receiver.accepted.map((r) => r.id)).size === expected.length);
    expect(new Set(receiver.accepted.map((r) => r.id))).toEqual(new Set(expected.map((e) => e.id)));
    for (const eventId of ['e0', 'e1', 'e2']) {
      const firstSeen = [
        ...new Set(receiver.accepted.filter((r) => r.payload.data.eventId === eventId).map((r) => r.id)),
      ];
      expect(firstSeen).toEqual(expected.filter((e) => e.eventId === eventId).map((e) => e.id));
    }
    expect(await log.positions()).toContainEqual({ group: WEBHOOKS_GROUP, pending: 0, lag: 0 });
  });

  it('a dispatcher that dies before its outbox write commits acknowledges nothing: all is delivered later', async () => {
    await endpoint();
    const entries = [0, 1, 2, 3].map((n) => confirmed(holdOf('e1', n)));
    await log.append(entries);
    const dying = new WebhookStore(driver);
    const ingest = dying.ingest.bind(dying);
    dying.ingest = (work) =>
      ingest(async () => {
        await work();
        throw new Error('process died before commit');
      });
    await expect(dispatcher({ store: dying, member: 'first' }).ingestOnce()).rejects.toThrow('died');
    await run(dispatcher({ member: 'second', claimIdleMs: 0 }), () => receiver.accepted.length === 4);
    expect(receiver.accepted.map((r) => r.payload.data.holdId)).toEqual(entries.map((e) => subjectIdOf(e)));
  });

  it('a sender that died after posting and before recording posts again, with the same webhook-id', async () => {
    await endpoint();
    await log.append([confirmed(holdOf('e1', 1))]);
    const dying = new WebhookStore(driver);
    dying.recordAttempt = async () => {
      throw new Error('process died');
    };
    const first = dispatcher({ store: dying, leaseMs: 1 });
    await first.ingestOnce();
    await first.sendOnce().catch(() => {});
    expect(receiver.accepted).toHaveLength(1);
    await sleep(5);
    await run(dispatcher({ member: 'second' }), () => receiver.accepted.length === 2);
    expect(receiver.accepted[1]?.id).toBe(receiver.accepted[0]?.id);
  });
});
