// Slow and idle clients are cut, and connections past the bound are refused, over real sockets. The limits
// are small so the tests are short; the waits below are bounds on how long a test may take, not timings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerLimits } from '../../src/http/server-limits.js';
import { LiveClient, liveUrl, waitFor } from '../live/live-client.js';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';
import { listen } from '../support/http.js';
import { openRaw, parseRawResponse, type RawConnection } from '../support/raw-socket.js';

const SHORT: ServerLimits = {
  headersTimeoutMs: 400,
  requestTimeoutMs: 800,
  keepAliveTimeoutMs: 300,
  socketIdleTimeoutMs: 600,
  connectionsMax: 100,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HEALTH = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';

describe('slow and idle clients', () => {
  let bo: TestEmbedded;
  let baseUrl: string;

  beforeAll(async () => {
    bo = await startEmbedded({ serverLimits: SHORT });
    baseUrl = await listen(bo.app);
  });
  afterAll(async () => bo.dispose());

  it('cuts a slow loris that sends its headers a byte at a time: 408 request_timeout', async () => {
    const connection = await openRaw(baseUrl);
    // 600 bytes at one per 20 ms would take 12 s; the headers timeout must end it long before.
    const request = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(560)}\r\n\r\n`;
    let sent = 0;
    while (sent < request.length && !connection.isClosed()) {
      connection.socket.write(request[sent] as string);
      sent++;
      await sleep(20);
    }
    expect(connection.isClosed()).toBe(true);
    expect(sent).toBeLessThan(request.length);
    const response = parseRawResponse(connection.received());
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body).error.code).toBe('request_timeout');
  });

  it('cuts a client that connects and sends nothing', async () => {
    const connection = await openRaw(baseUrl);
    await connection.closed();
    expect(parseRawResponse(connection.received()).status).toBe(408);
  });

  it('cuts a client that sends its headers but never the body it announced', async () => {
    const connection = await openRaw(baseUrl);
    connection.socket.write(
      'POST /v1/events/x/holds HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    await connection.closed();
    expect(connection.isClosed()).toBe(true);
  });

  it('closes an idle keep-alive connection after a request was answered', async () => {
    const connection = await openRaw(baseUrl);
    connection.socket.write(HEALTH);
    await waitFor(() => connection.received().includes('"ok"'));
    expect(parseRawResponse(connection.received()).status).toBe(200);
    await connection.closed();
    // Closed quietly: one answer, no error written after it.
    expect(connection.received().match(/HTTP\/1\.1/g)).toHaveLength(1);
  });

  it('keeps a live WebSocket open past every timeout, and it still receives updates', async () => {
    const eventId = uniqueEventId('idle-live');
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 10, price: 5 }] }),
    });
    expect(created.statusCode).toBe(201);
    const client = await LiveClient.open(liveUrl(baseUrl, eventId));
    try {
      await client.snapshot;
      // Silent for longer than the request, headers, keep-alive and idle timeouts together.
      await sleep(3 * (SHORT.requestTimeoutMs + SHORT.socketIdleTimeoutMs));
      expect(client.socket.readyState).toBe(client.socket.OPEN);
      const held = await bo.app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        payload: { userId: 'u-1', quantity: 1, poolId: 'ga' },
      });
      expect(held.statusCode).toBe(201);
      await waitFor(() => client.messages.length > 1);
      expect(client.socket.readyState).toBe(client.socket.OPEN);
    } finally {
      client.close();
    }
  });
});

describe('the connection bound', () => {
  const BOUND = 4;
  let bo: TestEmbedded;
  let baseUrl: string;
  const open: RawConnection[] = [];

  beforeAll(async () => {
    // Timeouts long enough that the held connections stay for the whole test.
    bo = await startEmbedded({
      serverLimits: {
        ...SHORT,
        headersTimeoutMs: 60_000,
        requestTimeoutMs: 60_000,
        socketIdleTimeoutMs: 60_000,
        keepAliveTimeoutMs: 60_000,
        connectionsMax: BOUND,
      },
    });
    baseUrl = await listen(bo.app);
  });
  afterAll(async () => {
    for (const connection of open) connection.destroy();
    await bo.dispose();
  });

  it('closes connections past the bound on arrival, and admits again once one has left', async () => {
    for (let index = 0; index < BOUND; index++) {
      const connection = await openRaw(baseUrl);
      connection.socket.write(HEALTH);
      await waitFor(() => connection.received().includes('"ok"'));
      open.push(connection);
    }
    const refused = await openRaw(baseUrl);
    refused.socket.write(HEALTH);
    await refused.closed();
    expect(refused.received()).toBe('');
    open.shift()?.destroy();
    // The server counts the departure asynchronously: a few attempts, bounded.
    let answered = '';
    for (let attempt = 0; attempt < 20 && answered === ''; attempt++) {
      const connection = await openRaw(baseUrl);
      connection.socket.write(HEALTH);
      await Promise.race([connection.closed(), waitFor(() => connection.received().includes('"ok"'))]).catch(
        () => {},
      );
      answered = connection.received();
      if (answered === '') connection.destroy();
      else open.push(connection);
    }
    expect(parseRawResponse(answered).status).toBe(200);
  });
});
