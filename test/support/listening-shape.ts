// An embedded shape listening on a free port with a client for it, stopped after each test: what the suites
// of rate limits and early answers share. Setup, audits and scrapes come from OPERATOR, an address of its
// own, so they take nothing from the quotas under test.
import { afterEach, expect } from 'vitest';
import {
  admin,
  type EventShape,
  eventBody,
  type StartOptions,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from './embedded.js';
import { httpClient, listen } from './http.js';

/** Long enough that no window of a test ends while it runs, so every count is exact. */
export const WINDOW = 3600;
export const OPERATOR = { remoteAddress: '10.250.0.1' };

type Client = ReturnType<typeof httpClient>;

export function useListeningShape(connections: number) {
  let shape: TestEmbedded | undefined;
  let client: Client | undefined;
  const stop = async () => {
    await client?.close();
    await shape?.dispose();
    shape = client = undefined;
  };
  afterEach(stop);
  return {
    get shape(): TestEmbedded {
      if (shape === undefined) throw new Error('No shape started.');
      return shape;
    },
    /** Starts the shape (after stopping one started before) and creates an event through it. */
    async start(options: StartOptions, event: EventShape & { readonly queue?: object }, idPrefix: string) {
      await stop();
      shape = await startEmbedded(options);
      client = httpClient(await listen(shape.app), connections);
      const eventId = uniqueEventId(idPrefix);
      const created = await shape.app.inject({
        ...OPERATOR,
        method: 'POST',
        url: '/v1/events',
        headers: admin,
        payload: eventBody(eventId, event),
      });
      expect(created.statusCode, created.body).toBe(201);
      return { eventId, send: client.send };
    },
    /** The event's audit, read as the operator. */
    async audit(eventId: string) {
      const audit = await this.shape.app.inject({
        ...OPERATOR,
        url: `/v1/events/${eventId}/audit`,
        headers: admin,
      });
      expect(audit.statusCode, audit.body).toBe(200);
      return audit.json();
    },
  };
}
