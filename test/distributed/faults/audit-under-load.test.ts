// The distributed audit is exact at every instant, not only once the projectors are idle: audits taken back
// to back during a sale on two API processes, while two workers commit, acknowledge and trim, must all be
// consistent. (Each of three faults once made some of them inconsistent: a tail start read between two
// acknowledgements, a trim between the tail's start and its read, and a released seat taken again and
// stored before its release by the other worker.)
import { describe, expect, it } from 'vitest';
import { uniqueEventId } from '../../support/embedded.js';
import { postgresAvailable } from '../../support/postgres.js';
import { admin, type Deployment, useDeployment } from '../../support/processes.js';
import { redisAvailable } from '../../support/redis-server.js';
import { faultEventBody, SaleLoad } from './sale-load.js';

const available = redisAvailable() && (await postgresAvailable());

describe.runIf(available)('the audit under load', () => {
  let deployment: Deployment;
  useDeployment({ apis: 2, workers: ['w1', 'w2'] }, (sale) => {
    ({ deployment } = sale);
  });

  it('is consistent at every instant', async () => {
    const client = deployment.clients[0]!;
    const eventId = uniqueEventId('audit');
    expect((await client.send('POST', '/v1/events', faultEventBody(eventId), admin)).status).toBe(201);
    const load = new SaleLoad({ apis: deployment.clients, eventId, thinkMs: 5 });
    const bad: string[] = [];
    let audits = 0;
    let busy = 0;
    for (const end = Date.now() + 15_000; Date.now() < end; ) {
      const audit = await client.send('GET', `/v1/events/${eventId}/audit`, undefined, admin);
      audits += 1;
      if (audit.body?.unprojected > 0) busy += 1;
      if (audit.status !== 200 || !audit.body.consistent)
        bad.push(`${audit.status} ${JSON.stringify(audit.body)}`);
    }
    await load.stop();
    expect(bad).toEqual([]);
    // The audits did happen while entries were still on their way to the store.
    expect(audits).toBeGreaterThan(20);
    expect(busy).toBeGreaterThan(0);
  }, 60_000);
});
