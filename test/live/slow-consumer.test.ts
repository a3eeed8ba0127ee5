// A client that stops reading while the house changes fast is dropped (1008 slow_consumer) once its queued
// bytes, snapshot included, pass LIVE_SEND_BUFFER_BYTES_MAX; until then the server's buffer for it stays
// within that bound plus one flush. The drop shows in /metrics and the connection gauge returns to 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SEND_BUFFER_BYTES_MAX } from '../../src/live/limits.js';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';
import { listen } from '../support/http.js';
import { LiveClient, liveUrl, waitFor } from './live-client.js';

// Long section and row ids (16 characters, the most allowed) make every seat change ~65 bytes of JSON, so
// a flush that touches all 10,000 seats is ~650 KB and the kernel's socket buffers fill within seconds.
const SECTION = 'SLOWCONSUMERTEST';
const ROWS = 20;
const SEATS_PER_ROW = 500;
const SEATS = ROWS * SEATS_PER_ROW;
const SEATS_PER_HOLD = 50;
/** The churn stops after this long even if no drop came: the test then fails instead of running on. */
const CHURN_MS_MAX = 30_000;

describe('live updates: slow consumer', () => {
  let bo: TestEmbedded;
  let baseUrl: string;

  beforeAll(async () => {
    bo = await startEmbedded();
    baseUrl = await listen(bo.app);
  });
  afterAll(async () => bo.dispose());

  async function metricValue(name: string): Promise<string> {
    const text = (await bo.app.inject({ method: 'GET', url: '/metrics' })).body;
    return text.split('\n').find((line) => line.startsWith(name)) ?? '';
  }

  /** Holds every seat in holds of 50, then releases them all: 10,000 seat changes each way. */
  async function churnOnce(eventId: string, round: number): Promise<void> {
    const holds = await Promise.all(
      Array.from({ length: SEATS / SEATS_PER_HOLD }, (_, i) =>
        bo.reservations.placeHold(
          eventId,
          { userId: `u${round}-${i}`, quantity: SEATS_PER_HOLD, sectionId: SECTION },
          undefined,
          false,
        ),
      ),
    );
    await Promise.all(
      holds.map((held) => {
        if ('code' in held) throw new Error(`hold refused: ${held.code}`);
        return bo.reservations.releaseHold(held.hold.id);
      }),
    );
  }

  it('drops a client that stops reading, with its buffer bounded until then', async () => {
    const eventId = uniqueEventId('slow');
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      id: `ROW${String(i + 1).padStart(13, '0')}`,
      seats: SEATS_PER_ROW,
    }));
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, {
        sections: [{ id: SECTION, price: 1, rows }],
        maxPerUser: SEATS_PER_HOLD,
      }),
    });
    expect(created.statusCode).toBe(201);

    const client = await LiveClient.open(liveUrl(baseUrl, eventId));
    await client.snapshot;
    expect(await metricValue('boxoffice_live_connections')).toBe('boxoffice_live_connections 1');
    // The client stops reading: from here on everything the server sends piles up in buffers.
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    let bufferedBytesMax = 0;
    const sampler = setInterval(() => {
      for (const socket of bo.app.websocketServer.clients)
        bufferedBytesMax = Math.max(bufferedBytesMax, socket.bufferedAmount);
    }, 5);
    const dropped = () => bo.app.websocketServer.clients.size === 0;
    const deadline = Date.now() + CHURN_MS_MAX;
    for (let round = 0; !dropped() && Date.now() < deadline; round++) await churnOnce(eventId, round);
    clearInterval(sampler);

    expect(dropped()).toBe(true);
    expect(await metricValue('boxoffice_live_dropped_total{reason="slow_consumer"}')).toBe(
      'boxoffice_live_dropped_total{reason="slow_consumer"} 1',
    );
    expect(await metricValue('boxoffice_live_connections')).toBe('boxoffice_live_connections 0');
    // The bound, snapshot included, and at most one flush (every seat changed, ~65 bytes each) on top.
    expect(bufferedBytesMax).toBeGreaterThan(LIVE_SEND_BUFFER_BYTES_MAX);
    expect(bufferedBytesMax).toBeLessThan(LIVE_SEND_BUFFER_BYTES_MAX + SEATS * 70 + 64 * 1024);

    // Reading again, the client learns it was closed: by the close frame if it got through before the
    // socket was destroyed, else by the connection's end.
    (client.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code, reason } = await client.closed;
    expect([1008, 1006]).toContain(code);
    if (code === 1008) expect(reason).toBe('slow_consumer');
  });

  it('keeps serving a client that reads, through the same churn', async () => {
    const eventId = uniqueEventId('fast');
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, {
        sections: [{ id: SECTION, price: 1, rows: [{ id: 'R', seats: SEATS_PER_HOLD * 4 }] }],
        maxPerUser: SEATS_PER_HOLD,
      }),
    });
    expect(created.statusCode).toBe(201);
    const client = await LiveClient.open(liveUrl(baseUrl, eventId));
    await client.snapshot;
    const before = await metricValue('boxoffice_live_dropped_total{reason="slow_consumer"}');
    const holds = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        bo.reservations.placeHold(
          eventId,
          { userId: `r${i}`, quantity: SEATS_PER_HOLD, sectionId: SECTION },
          undefined,
          false,
        ),
      ),
    );
    expect(holds.every((held) => !('code' in held))).toBe(true);
    await waitFor(() => [...client.seats.values()].every((status) => status === 'held'));
    expect(await metricValue('boxoffice_live_dropped_total{reason="slow_consumer"}')).toBe(before);
    client.close();
    await client.closed;
  });
});
