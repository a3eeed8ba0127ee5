// The live route's edges and the seat-map page: unknown events are refused before the upgrade, a plain GET
// is 400, the snapshot of a pool-only event, goodbye on shutdown, and the page's files at `/`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { EmbeddedFeed } from '../../src/live/embedded-feed.js';
import { LIVE_CLIENT_FRAME_BYTES_MAX } from '../../src/live/limits.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import {
  ADMIN_TOKEN,
  admin,
  eventBody,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';
import { listen } from '../support/http.js';
import { LiveClient, liveUrl, waitFor } from './live-client.js';

describe('live route', () => {
  let bo: TestEmbedded;
  let baseUrl: string;

  beforeAll(async () => {
    bo = await startEmbedded();
    baseUrl = await listen(bo.app);
  });
  afterAll(async () => bo.dispose());

  async function metricLine(name: string): Promise<string> {
    const text = (await bo.app.inject({ method: 'GET', url: '/metrics' })).body;
    return text.split('\n').find((line) => line.startsWith(name)) ?? '';
  }

  async function createPoolEvent(capacity: number): Promise<string> {
    const eventId = uniqueEventId('route');
    const response = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity, price: 5 }] }),
    });
    expect(response.statusCode).toBe(201);
    return eventId;
  }

  it('refuses the upgrade for an unknown event: 404 event_not_found', async () => {
    const refused = LiveClient.open(liveUrl(baseUrl, 'no-such-event'));
    await expect(refused).rejects.toMatchObject({ status: 404 });
    const body = JSON.parse(((await refused.catch((error) => error)) as { body: string }).body);
    expect(body.error.code).toBe('event_not_found');
  });

  it('refuses an invalid event id (400) and a plain GET without an upgrade (400)', async () => {
    await expect(LiveClient.open(liveUrl(baseUrl, 'bad id!'))).rejects.toMatchObject({ status: 400 });
    const eventId = await createPoolEvent(5);
    const plain = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/live` });
    expect(plain.statusCode).toBe(400);
    expect(plain.json().error.code).toBe('invalid_request');
  });

  it('sends a pool-only event its snapshot, then availability without seats messages', async () => {
    const eventId = await createPoolEvent(10);
    const client = await LiveClient.open(liveUrl(baseUrl, eventId));
    const snapshot = await client.snapshot;
    expect(snapshot).toMatchObject({
      type: 'snapshot',
      eventId,
      capacity: 10,
      available: 10,
      held: 0,
      sold: 0,
      seatStates: '',
      pools: [{ id: 'ga', capacity: 10, available: 10, held: 0, sold: 0 }],
    });
    expect(snapshot.event.pools[0]?.id).toBe('ga');
    await bo.reservations.placeHold(eventId, { userId: 'a', quantity: 3, poolId: 'ga' }, undefined, true);
    await waitFor(() => client.counts?.sold === 3);
    expect(client.counts).toMatchObject({
      type: 'availability',
      available: 7,
      pools: [{ id: 'ga', sold: 3 }],
    });
    expect(client.count('seats')).toBe(0);
    const metrics = (await bo.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/boxoffice_live_messages_sent_total\{type="snapshot"\} [1-9]/);
    expect(metrics).toMatch(/boxoffice_live_messages_sent_total\{type="availability"\} [1-9]/);
    client.close();
    await client.closed;
  });

  it('closes a client that sends a frame over the bound (1009)', async () => {
    const eventId = await createPoolEvent(1);
    const client = await LiveClient.open(liveUrl(baseUrl, eventId));
    await client.snapshot;
    client.socket.send('x'.repeat(LIVE_CLIENT_FRAME_BYTES_MAX + 1));
    expect((await client.closed).code).toBe(1009);
    await waitFor(
      async () => (await metricLine('boxoffice_live_connections')) === 'boxoffice_live_connections 0',
    );
  });

  it('serves the seat-map page at / with its script and style, and nothing else new', async () => {
    const page = await bo.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.body).toContain('<script src="/app.js"');
    const script = await bo.app.inject({ method: 'GET', url: '/app.js' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('/live');
    const style = await bo.app.inject({ method: 'GET', url: '/style.css' });
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    const missing = await bo.app.inject({ method: 'GET', url: '/index.html' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('route_not_found');
    const openapi = (await bo.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).not.toContain('/');
  });

  it('says goodbye (1001 server_closing) to every client when the app closes', async () => {
    const own = await startEmbedded();
    const ownUrl = await listen(own.app);
    const eventId = uniqueEventId('bye');
    await own.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 1, price: 1 }] }),
    });
    const clients = await Promise.all([1, 2].map(() => LiveClient.open(liveUrl(ownUrl, eventId))));
    await Promise.all(clients.map((client) => client.snapshot));
    await own.dispose();
    for (const client of clients)
      expect(await client.closed).toEqual({ code: 1001, reason: 'server_closing' });
  });
});

describe('live connections per instance', () => {
  let bo: TestEmbedded;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let baseUrl: string;

  beforeAll(async () => {
    bo = await startEmbedded();
    // The same parts, served by an app that allows two live connections.
    const feed = new EmbeddedFeed();
    bo.journal.onDurable(feed.publish);
    app = await buildApp({
      reservations: bo.reservations,
      gate: bo.gate,
      store: bo.store,
      journal: bo.journal,
      metrics: createMetrics(),
      adminToken: ADMIN_TOKEN,
      feed,
      liveConnectionsMax: 2,
    });
    baseUrl = await listen(app);
  });
  afterAll(async () => {
    await app?.close();
    await bo?.dispose();
  });

  it('refuses the upgrade past the bound with 503 not_ready, and admits again once one has left', async () => {
    const eventId = uniqueEventId('cap');
    await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 5, price: 5 }] }),
    });
    const first = await LiveClient.open(liveUrl(baseUrl, eventId));
    const second = await LiveClient.open(liveUrl(baseUrl, eventId));
    await Promise.all([first.snapshot, second.snapshot]);
    const refused = await LiveClient.open(liveUrl(baseUrl, eventId)).catch((error) => error);
    expect(refused).toMatchObject({ status: 503 });
    expect(JSON.parse((refused as { body: string }).body).error.code).toBe('not_ready');
    first.socket.close();
    await first.closed;
    // A place freed by a client that left is given to the next one.
    await waitFor(async () => {
      const again = await LiveClient.open(liveUrl(baseUrl, eventId)).catch(() => undefined);
      again?.socket.close();
      return again !== undefined;
    });
    second.socket.close();
  });
});

describe('live connections per client address', () => {
  let bo: TestEmbedded;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let baseUrl: string;

  beforeAll(async () => {
    bo = await startEmbedded();
    const feed = new EmbeddedFeed();
    bo.journal.onDurable(feed.publish);
    app = await buildApp({
      reservations: bo.reservations,
      gate: bo.gate,
      store: bo.store,
      journal: bo.journal,
      metrics: createMetrics(),
      adminToken: ADMIN_TOKEN,
      feed,
      liveConnectionsPerAddress: 2,
    });
    baseUrl = await listen(app);
  });
  afterAll(async () => {
    await app?.close();
    await bo?.dispose();
  });

  const from = (address: string) => ({ localAddress: address });

  it('refuses a third connection from one address with 429 too_many_connections, not one from another', async () => {
    const eventId = uniqueEventId('addr');
    await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 5, price: 5 }] }),
    });
    const url = liveUrl(baseUrl, eventId);
    const [first, second] = await Promise.all([
      LiveClient.open(url, from('127.0.0.1')),
      LiveClient.open(url, from('127.0.0.1')),
    ]);
    await Promise.all([first?.snapshot, second?.snapshot]);
    const refused = await LiveClient.open(url, from('127.0.0.1')).catch((error) => error);
    expect(refused).toMatchObject({ status: 429 });
    expect(JSON.parse((refused as { body: string }).body).error.code).toBe('too_many_connections');
    const other = await LiveClient.open(url, from('127.0.0.2'));
    await other.snapshot;
    first?.socket.close();
    await first?.closed;
    await waitFor(async () => {
      const again = await LiveClient.open(url, from('127.0.0.1')).catch(() => undefined);
      again?.socket.close();
      return again !== undefined;
    });
    second?.socket.close();
    other.socket.close();
  });

  it('keeps at most the bound open when many upgrades from one address arrive together', async () => {
    const eventId = uniqueEventId('burst');
    await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 5, price: 5 }] }),
    });
    const url = liveUrl(baseUrl, eventId);
    const attempts = await Promise.all(
      Array.from({ length: 10 }, () => LiveClient.open(url, from('127.0.0.3')).catch(() => undefined)),
    );
    const opened = attempts.filter((client) => client !== undefined);
    // Upgrades that passed the check together are closed at the join (1008 too_many_connections).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stillOpen = opened.filter((client) => client.socket.readyState === 1);
    expect(stillOpen.length).toBeLessThanOrEqual(2);
    expect(stillOpen.length).toBeGreaterThan(0);
    for (const client of opened) client.socket.close();
  });
});
