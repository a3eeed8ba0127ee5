// The README walkthrough on the distributed shape (Redis gate, PostgreSQL store, projector): the same HTTP
// answers as the embedded shape; the read side catches up once the projector has stored the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeys } from '../../src/gate/redis/keys.js';
import {
  distributedAvailable,
  startDistributed,
  type TestDistributed,
  uniqueEventId,
} from '../support/distributed.js';
import { walkthrough } from '../support/walkthrough.js';

const available = await distributedAvailable();

describe.runIf(available)('walkthrough on the distributed shape', () => {
  let bo: TestDistributed;

  beforeAll(async () => {
    bo = await startDistributed();
  });
  afterAll(async () => bo?.dispose());

  it('creates an event, holds, confirms; after projection the store and the audit agree', async () => {
    const eventId = uniqueEventId();
    const holdId = await walkthrough({ app: bo.app, settled: (id) => bo.settle(id) }, eventId);
    // Once the store has the ending, the gate's record of it is gone; the answers now come from the store.
    expect(await bo.redis.hlen(eventKeys(eventId).ended)).toBe(0);
    const got = await bo.app.inject({ method: 'GET', url: `/v1/holds/${holdId}` });
    expect(got.json()).toMatchObject({ status: 'confirmed' });
  });
});
