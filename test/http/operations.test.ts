// Health, readiness, metrics, the OpenAPI document and admin authentication.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';

describe('operations', () => {
  let bo: TestEmbedded;

  beforeAll(async () => {
    bo = await startEmbedded();
  });
  afterAll(async () => bo.dispose());

  it('answers /healthz and /readyz', async () => {
    expect((await bo.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await bo.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('serves an OpenAPI 3.1 document with every route of the API, generated from the validating schemas', async () => {
    const response = await bo.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'POST /v1/events',
        'GET /v1/events',
        'GET /v1/events/{eventId}',
        'PATCH /v1/events/{eventId}',
        'GET /v1/events/{eventId}/seats',
        'GET /v1/events/{eventId}/seat-layout',
        'GET /v1/events/{eventId}/seat-states',
        'POST /v1/events/{eventId}/holds',
        'POST /v1/events/{eventId}/orders',
        'POST /v1/events/{eventId}/waitlist',
        'DELETE /v1/events/{eventId}/waitlist',
        'GET /v1/events/{eventId}/waitlist/me',
        'GET /v1/holds/{holdId}',
        'POST /v1/holds/{holdId}/confirm',
        'POST /v1/holds/{holdId}/extend',
        'DELETE /v1/holds/{holdId}',
        'GET /v1/orders/{orderId}',
        'POST /v1/orders/{orderId}/cancel',
        'GET /v1/tickets/{ticketId}',
        'GET /v1/events/{eventId}/tickets',
        'GET /v1/events/{eventId}/stats',
        'GET /v1/venues/{venue}/revenue',
        'GET /v1/events/{eventId}/audit',
        'GET /v1/me/holds',
        'GET /v1/me/orders',
        'GET /v1/buyers/{userId}/orders',
        'POST /v1/api-keys',
        'GET /v1/api-keys',
        'DELETE /v1/api-keys/{keyId}',
        'POST /v1/events/{eventId}/queue',
        'GET /v1/events/{eventId}/queue/me',
        'PATCH /v1/events/{eventId}/queue',
        'POST /v1/events/{eventId}/queue/pause',
        'POST /v1/events/{eventId}/queue/resume',
        'POST /v1/webhooks',
        'GET /v1/webhooks',
        'GET /v1/webhooks/{webhookId}',
        'PATCH /v1/webhooks/{webhookId}',
        'DELETE /v1/webhooks/{webhookId}',
        'POST /v1/webhooks/{webhookId}/rotate-secret',
        'GET /v1/webhooks/{webhookId}/deliveries',
        'POST /v1/webhooks/{webhookId}/replay',
      ].sort(),
    );
    const holdBody =
      document.paths['/v1/events/{eventId}/holds'].post.requestBody.content['application/json'].schema;
    expect(holdBody.properties.quantity).toMatchObject({ type: 'integer', minimum: 1, maximum: 50 });
    // The payment bodies: confirm's is optional, extend's names its bound.
    const confirm = document.paths['/v1/holds/{holdId}/confirm'].post;
    expect(confirm.requestBody.content['application/json'].schema.properties).toMatchObject({
      paymentReference: { type: 'string', maxLength: 128 },
      amount: { type: 'integer', minimum: 0 },
    });
    expect(confirm.requestBody.required).not.toBe(true);
    expect(confirm.responses['201'].content['application/json'].schema.properties.late).toMatchObject({
      type: 'boolean',
    });
    const extend = document.paths['/v1/holds/{holdId}/extend'].post;
    expect(extend.requestBody.content['application/json'].schema).toMatchObject({
      required: ['seconds'],
      properties: { seconds: { type: 'integer', minimum: 1, maximum: 3600 } },
    });
    expect(extend.security).toEqual(confirm.security);
    const states = document.paths['/v1/events/{eventId}/seat-states'].get.responses;
    expect(Object.keys(states['200'].content)).toEqual(['application/octet-stream']);
    expect(states['304']).toBeDefined();
    // Who may call each route: the credential schemes, and the routes' requirements.
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['admin', 'buyer', 'sales']);
    expect(document.paths['/v1/events'].post.security).toEqual([{ admin: [] }]);
    expect(document.paths['/v1/events/{eventId}/holds'].post.security).toEqual([
      { buyer: [] },
      { sales: [] },
      { admin: [] },
      {},
    ]);
    expect(document.paths['/v1/events/{eventId}/tickets'].get.security).toEqual([
      { admin: [] },
      { sales: [] },
    ]);
    expect(document.paths['/v1/me/orders'].get.security).toEqual([{ buyer: [] }]);
    expect(document.paths['/v1/events/{eventId}'].get.security).toBeUndefined();
    expect(document.paths['/v1/events/{eventId}'].patch.security).toEqual([{ admin: [] }]);
    expect(document.paths['/v1/orders/{orderId}/cancel'].post.security).toEqual([
      { admin: [] },
      { sales: [] },
    ]);
    const patchBody =
      document.paths['/v1/events/{eventId}'].patch.requestBody.content['application/json'].schema;
    expect(patchBody).toMatchObject({ additionalProperties: false, minProperties: 1 });
    expect(Object.keys(patchBody.properties).sort()).toEqual(['name', 'salesOpen', 'startsAt', 'venue']);
    const order =
      document.paths['/v1/orders/{orderId}'].get.responses['200'].content['application/json'].schema;
    expect(order.properties.status.enum).toEqual(['confirmed', 'cancelled']);
    expect((await bo.app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });

  it('exposes Prometheus metrics: request durations by route and status, operations by outcome', async () => {
    const eventId = uniqueEventId();
    await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 1, price: 1 }] }),
    });
    await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'a', quantity: 1 },
    });
    await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'b', quantity: 1 },
    });
    const metrics = (await bo.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(
      'boxoffice_http_request_duration_seconds_bucket{le="0.001",method="POST",route="/v1/events/:eventId/holds",status="201"}',
    );
    expect(metrics).toContain('boxoffice_operations_total{operation="hold",outcome="ok"} 1');
    expect(metrics).toContain('boxoffice_operations_total{operation="hold",outcome="sold_out"} 1');
    expect(metrics).toMatch(/boxoffice_commit_batch_entries_count \d+/);
  });

  it('guards admin routes with the bearer token', async () => {
    const eventId = uniqueEventId();
    const payload = eventBody(eventId, { pools: [{ id: 'ga', capacity: 1, price: 1 }] });
    for (const authorization of [
      undefined,
      'Bearer wrong-token-0123456789',
      'Basic abc',
      `Bearer ${'x'.repeat(5000)}`,
    ]) {
      const headers = authorization === undefined ? {} : { authorization };
      const created = await bo.app.inject({ method: 'POST', url: '/v1/events', headers, payload });
      expect(created.statusCode).toBe(401);
      expect(created.json().error.code).toBe('unauthorized');
      const audit = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/audit`, headers });
      expect(audit.statusCode).toBe(401);
    }
    expect((await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}` })).statusCode).toBe(404);
  });

  it('lists events with live availability, paginated', async () => {
    const ids = [uniqueEventId('list'), uniqueEventId('list')];
    for (const id of ids) {
      await bo.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(id, { pools: [{ id: 'ga', capacity: 3, price: 1 }] }),
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const response = await bo.app.inject({
        method: 'GET',
        url: `/v1/events?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      });
      const body = response.json();
      expect(body.events.length).toBeLessThanOrEqual(1);
      seen.push(...body.events.map((event: { id: string }) => event.id));
      cursor = body.nextCursor;
      if (cursor === undefined) break;
    }
    expect(seen).toEqual(expect.arrayContaining(ids));
    const listed = (await bo.app.inject({ method: 'GET', url: '/v1/events?limit=1000' }))
      .json()
      .events.find((event: { id: string }) => event.id === ids[0]);
    expect(listed).toMatchObject({ capacity: 3, available: 3, venue: 'Test Arena' });
  });
});
