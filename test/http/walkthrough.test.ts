// The README walkthrough through app.inject() on the embedded shape (test/support/walkthrough.ts).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';
import { walkthrough } from '../support/walkthrough.js';

describe('walkthrough over HTTP (inject)', () => {
  let bo: TestEmbedded;

  beforeAll(async () => {
    bo = await startEmbedded();
  });
  afterAll(async () => bo.dispose());

  it('creates an event, holds, confirms, and the store and audit agree', async () => {
    // The embedded store has every change before the answer: nothing to wait for.
    await walkthrough({ app: bo.app, settled: async () => {} }, uniqueEventId());
  });
});
