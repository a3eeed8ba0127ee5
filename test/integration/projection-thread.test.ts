// The embedded projection on its own thread (BOXOFFICE_PROJECTION_THREAD=worker), through the API: what the
// log makes durable reaches the store on the thread, a buyer reads their own order at once, the unprojected
// tail is applied at a restart, a thread that dies is reported (503, not ready) instead of leaving requests
// hanging, and closing the server ends the thread.
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectionThread } from '../../src/projector/embedded/projection-thread.js';
import {
  admin,
  eventBody,
  freshDataDir,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';

const started: TestEmbedded[] = [];
afterEach(async () => {
  for (const bo of started.splice(0)) await bo.dispose().catch(() => {});
});

async function start(options: Parameters<typeof startEmbedded>[0] = {}): Promise<TestEmbedded> {
  const bo = await startEmbedded({ ...options, projectionThread: 'worker' });
  started.push(bo);
  return bo;
}

/** Closes the server (and removes its data dir) within the test. */
async function finish(bo: TestEmbedded): Promise<void> {
  started.splice(started.indexOf(bo), 1);
  await bo.dispose();
}

function threadOf(bo: TestEmbedded): ProjectionThread {
  expect(bo.projection).toBeInstanceOf(ProjectionThread);
  return bo.projection as ProjectionThread;
}

async function createEvent(bo: TestEmbedded): Promise<string> {
  const eventId = uniqueEventId('thread');
  const created = await bo.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: admin,
    payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 100, price: 7 }], maxPerUser: 10 }),
  });
  expect(created.statusCode).toBe(201);
  return eventId;
}

/** Holds and confirms `quantity` tickets for `userId`; returns the order id. */
async function buy(bo: TestEmbedded, eventId: string, userId: string, quantity: number): Promise<string> {
  const held = await bo.app.inject({
    method: 'POST',
    url: `/v1/events/${eventId}/holds`,
    payload: { userId, poolId: 'ga', quantity },
  });
  expect(held.statusCode).toBe(201);
  const confirmed = await bo.app.inject({ method: 'POST', url: `/v1/holds/${held.json().id}/confirm` });
  expect(confirmed.statusCode).toBe(201);
  return confirmed.json().orderId as string;
}

describe('the projection thread', () => {
  it('projects what the log made durable into the store on the thread, and a buyer reads their order at once', async () => {
    const bo = await start();
    threadOf(bo);
    const eventId = await createEvent(bo);
    const orderId = await buy(bo, eventId, 'u-1', 3);
    // No wait of the test's own: the read waits for the thread's watermark (read-your-writes).
    const order = await bo.app.inject({ method: 'GET', url: `/v1/orders/${orderId}` });
    expect(order.statusCode).toBe(200);
    expect(order.json()).toMatchObject({ id: orderId, eventId });
    const stats = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/stats`, headers: admin });
    expect(stats.json()).toMatchObject({ sold: 3, held: 0, orders: 1 });
    // The rows are in the store the thread writes, and the log has nothing left for the projection.
    expect(await bo.store.getOrder(orderId)).toMatchObject({ id: orderId, eventId });
    expect(bo.projection.lag()).toBe(0);
    const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers: admin });
    expect(audit.json()).toMatchObject({ consistent: true, unprojected: 0 });
  });

  it('applies the unprojected tail at a restart, before the gate is rebuilt', async () => {
    const fresh = freshDataDir();
    try {
      const first = await startEmbedded({ dataDir: fresh.dataDir, projectionThread: 'worker' });
      const eventId = await createEvent(first);
      // Stop projecting, then sell: the sale is durable in the log file only.
      await first.projection.stop();
      const orderId = await buy(first, eventId, 'u-2', 2);
      expect(first.projection.lag()).toBeGreaterThan(0);
      await first.close();
      const second = await start({ dataDir: fresh.dataDir });
      expect(await second.store.getOrder(orderId)).toMatchObject({ id: orderId, eventId });
      const stats = await second.app.inject({
        method: 'GET',
        url: `/v1/events/${eventId}/stats`,
        headers: admin,
      });
      expect(stats.json()).toMatchObject({ sold: 2, available: 98 });
    } finally {
      fresh.remove();
    }
  });

  it('a thread that dies is reported: reads answer 503 at once, /readyz says not ready, close() still ends', async () => {
    const errors: string[] = [];
    const logger = capturingLogger(errors);
    const bo = await start({ logger });
    const eventId = await createEvent(bo);
    const orderId = await buy(bo, eventId, 'u-3', 1);
    const thread = threadOf(bo);
    await thread.thread.terminate();
    expect(thread.failure?.message).toMatch(/projection thread exited unexpectedly/);
    expect(errors.join('\n')).toMatch(/projection thread died/);
    const order = await bo.app.inject({ method: 'GET', url: `/v1/orders/${orderId}` });
    expect(order.json()).toMatchObject({ error: { code: 'store_unavailable' } });
    expect(order.statusCode).toBe(503);
    const ready = await bo.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ error: { code: 'not_ready' } });
    // Holds are decided by the gate and made durable in the log: they go on, for the next start to project.
    const held = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'u-4', poolId: 'ga', quantity: 1 },
    });
    expect(held.statusCode).toBe(201);
    await finish(bo);
  });

  it('closing the server closes PGlite and ends the thread', async () => {
    const bo = await start();
    const thread = threadOf(bo);
    let exitCode: number | undefined;
    const exited = new Promise<void>((resolve) =>
      thread.thread.once('exit', (code) => {
        exitCode = code;
        resolve();
      }),
    );
    await createEvent(bo);
    await finish(bo);
    await exited;
    expect(exitCode).toBeTypeOf('number');
    // Ended on purpose: not reported as a crash.
    expect(thread.failure).toBeUndefined();
  });
});

/** A logger that keeps the messages logged at error level. */
function capturingLogger(errors: string[]) {
  const noop = () => {};
  const logger = {
    level: 'info',
    fatal: noop,
    warn: noop,
    info: noop,
    debug: noop,
    trace: noop,
    silent: noop,
    error: (_object: unknown, message?: string) => {
      errors.push(message ?? String(_object));
    },
    child: () => logger,
  };
  return logger as never;
}
