// The seat map of a 200,000-seat event (issue #13, item 1): the JSON list is refused past its bound instead
// of building megabytes, the compact form is one byte per seat with its layout served apart, a matching
// ETag costs nothing but a 304, and a crowd of readers of one version shares one serialisation.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEAT_LIST_SEATS_MAX } from '../../src/domain/limits.js';
import type { Gate } from '../../src/gate/gate.js';
import { buildApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import {
  ADMIN_TOKEN,
  admin,
  eventBody,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';

const SECTIONS = 20;
const ROWS_PER_SECTION = 100;
const SEATS_PER_ROW = 100;
const SEATS = SECTIONS * ROWS_PER_SECTION * SEATS_PER_ROW;
const SEATS_PER_SECTION = ROWS_PER_SECTION * SEATS_PER_ROW;
/** Concurrent readers of one version in the sharing test. */
const READERS = 200;

describe('seat map of a 200,000-seat event', () => {
  let bo: TestEmbedded;
  let app: FastifyInstance;
  /** Every distinct byte map the gate handed to the routes. */
  const served = new Set<Buffer>();
  const eventId = uniqueEventId('stadium');

  beforeAll(async () => {
    bo = await startEmbedded();
    // The same parts, with a gate that records each seat map it hands out: a new object is a serialisation.
    const real = bo.gate;
    const seatMap: Gate['seatMap'] = async (id) => {
      const map = await real.seatMap(id);
      if (map !== undefined) served.add(map.states);
      return map;
    };
    const gate = new Proxy(real, {
      get: (target, name: keyof Gate) => (name === 'seatMap' ? seatMap : target[name].bind(target)),
    });
    app = await buildApp({
      reservations: bo.reservations,
      gate,
      store: bo.store,
      journal: bo.journal,
      metrics: createMetrics(),
      adminToken: ADMIN_TOKEN,
    });
    const sections = Array.from({ length: SECTIONS }, (_, s) => ({
      id: `S${s + 1}`,
      price: 5000,
      rows: Array.from({ length: ROWS_PER_SECTION }, (_, r) => ({ id: `${r + 1}`, seats: SEATS_PER_ROW })),
    }));
    const created = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { sections, maxPerUser: 10 }),
    });
    expect(created.statusCode).toBe(201);
    const held = await bo.reservations.placeHold(
      eventId,
      { userId: 'u1', seats: ['S1-1-1', 'S2-1-2'] },
      undefined,
      false,
    );
    expect('code' in held).toBe(false);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await bo?.dispose();
  });

  it('refuses the whole JSON list (4xx seat_list_too_large, a short answer) and serves one section as JSON', async () => {
    const whole = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/seats` });
    expect(whole.statusCode).toBe(422);
    expect(whole.json().error.code).toBe('seat_list_too_large');
    expect(whole.body.length).toBeLessThan(1024);
    expect(SEATS_PER_SECTION).toBeLessThanOrEqual(SEAT_LIST_SEATS_MAX);
    const section = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/seats?sectionId=S2` });
    expect(section.statusCode).toBe(200);
    const seats = section.json().seats as { id: string; status: string }[];
    expect(seats).toHaveLength(SEATS_PER_SECTION);
    expect(seats[1]).toEqual({ id: 'S2-1-2', status: 'held' });
  });

  it('serves the states as one byte per seat and the layout apart, and they agree with the JSON list', async () => {
    const states = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/seat-states` });
    expect(states.statusCode).toBe(200);
    expect(states.headers['content-type']).toBe('application/octet-stream');
    expect(states.rawPayload.length).toBe(SEATS);
    expect(states.headers.etag).toMatch(/^"[^"]+"$/);
    expect(states.headers['cache-control']).toBe('no-cache');

    const layoutAnswer = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/seat-layout` });
    expect(layoutAnswer.statusCode).toBe(200);
    expect(layoutAnswer.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    expect(layoutAnswer.body.length).toBeLessThan(100_000);
    const layout = layoutAnswer.json();
    expect(layout).toMatchObject({ eventId, seatCount: SEATS });
    expect(layout.sections).toHaveLength(SECTIONS);
    expect(layout.sections[1]).toMatchObject({
      id: 'S2',
      start: SEATS_PER_SECTION,
      count: SEATS_PER_SECTION,
    });
    expect(layout.sections[1].rows[0]).toEqual({ id: '1', start: SEATS_PER_SECTION, seats: SEATS_PER_ROW });

    // Decoding section S2 from layout + bytes gives the JSON list's answer.
    const s2 = layout.sections[1];
    const decoded: { id: string; status: string }[] = [];
    for (const row of s2.rows)
      for (let n = 1; n <= row.seats; n++) {
        const byte = String.fromCharCode(states.rawPayload[row.start + n - 1] as number);
        decoded.push({
          id: `S2-${row.id}-${n}`,
          status: { '0': 'available', h: 'held', s: 'sold' }[byte] ?? '?',
        });
      }
    const json = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/seats?sectionId=S2` });
    expect(decoded).toEqual(json.json().seats);

    const oneSection = await app.inject({
      method: 'GET',
      url: `/v1/events/${eventId}/seat-states?sectionId=S2`,
    });
    expect(oneSection.rawPayload.equals(states.rawPayload.subarray(s2.start, s2.start + s2.count))).toBe(
      true,
    );
  });

  it('answers 304 to a matching ETag, and 200 with a new one once a seat changed', async () => {
    const url = `/v1/events/${eventId}/seat-states`;
    const first = await app.inject({ method: 'GET', url });
    const etag = String(first.headers.etag);
    const again = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    const listed = await app.inject({ method: 'GET', url, headers: { 'if-none-match': `"other", ${etag}` } });
    expect(listed.statusCode).toBe(304);

    await bo.reservations.placeHold(eventId, { userId: 'u2', seats: ['S20-100-100'] }, undefined, false);
    const changed = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(String.fromCharCode(changed.rawPayload[SEATS - 1] as number)).toBe('h');

    const layoutUrl = `/v1/events/${eventId}/seat-layout`;
    const layout = await app.inject({ method: 'GET', url: layoutUrl });
    const cached = await app.inject({
      method: 'GET',
      url: layoutUrl,
      headers: { 'if-none-match': String(layout.headers.etag) },
    });
    expect(cached.statusCode).toBe(304);
  });

  it('serialises the map once for many concurrent readers of one version', async () => {
    const url = `/v1/events/${eventId}/seat-states`;
    await app.inject({ method: 'GET', url });
    const before = served.size;
    const answers = await Promise.all(
      Array.from({ length: READERS }, () => app.inject({ method: 'GET', url })),
    );
    expect(served.size).toBe(before);
    expect(new Set(answers.map((answer) => answer.headers.etag)).size).toBe(1);
    expect(answers.every((answer) => answer.rawPayload.length === SEATS)).toBe(true);
  });

  it('refuses unknown events and sections with the usual codes', async () => {
    for (const path of ['seat-states', 'seat-layout']) {
      const unknown = await app.inject({ method: 'GET', url: `/v1/events/nope/${path}` });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('event_not_found');
    }
    const section = await app.inject({ method: 'GET', url: `/v1/events/${eventId}/seat-states?sectionId=Z` });
    expect(section.statusCode).toBe(404);
    expect(section.json().error.code).toBe('section_not_found');
  });
});
