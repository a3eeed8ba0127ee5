// Access over real processes: two `boxoffice serve` processes in `verified` mode sharing one Redis and one
// PostgreSQL. A key made on one works on the other; revoked on one, it stops working on the other within
// 2 s (the revocation message, or at worst the key cache's 1 s lifetime).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BUYER_SECRET, bearer, buyerToken, ISSUER } from '../support/buyer-tokens.js';
import { eventBody, uniqueEventId } from '../support/embedded.js';
import { postgresAvailable } from '../support/postgres.js';
import { admin, type DeployedSale, useDeployment } from '../support/processes.js';
import { redisAvailable } from '../support/redis-server.js';

const available = redisAvailable() && (await postgresAvailable());
/** The promise of the issue: a revoked key stops working on every instance within this long. */
const REVOCATION_BOUND_MS = 2_000;
const POLL_MS = 50;

describe.runIf(available)('access across two API processes', () => {
  let sale: DeployedSale;
  useDeployment(
    {
      apis: 2,
      workers: [],
      apiEnv: {
        BOXOFFICE_BUYER_AUTH: 'verified',
        BOXOFFICE_BUYER_JWT_SECRET: BUYER_SECRET,
        BOXOFFICE_BUYER_JWT_ISSUER: ISSUER,
      },
    },
    (deployed) => {
      sale = deployed;
    },
  );

  it('a key revoked on one process stops working on the other within 2 s', async () => {
    const [first, second] = sale.deployment.clients as [
      (typeof sale.deployment.clients)[0],
      (typeof sale.deployment.clients)[0],
    ];
    const eventId = uniqueEventId('rev');
    const created = await first.send(
      'POST',
      '/v1/events',
      eventBody(eventId, { pools: [{ id: 'ga', capacity: 1000, price: 1 }], maxPerUser: 1000 }),
      admin,
    );
    expect(created.status).toBe(201);
    const key = await first.send('POST', '/v1/api-keys', { name: 'backend', role: 'sales' }, admin);
    expect(key.status).toBe(201);
    const sales = bearer(key.body.secret);
    const place = (client: typeof first, headers: Record<string, string>, userId = 'ivy') =>
      client.send('POST', `/v1/events/${eventId}/holds`, { userId, quantity: 1, poolId: 'ga' }, headers);
    expect((await place(second, sales)).status).toBe(201);
    // A buyer token verifies on either process; the buyer is its sub.
    const token = bearer(await buyerToken('ivy', { audience: 'any' }));
    expect((await place(second, token)).status).toBe(201);
    expect((await place(second, token, 'someone-else')).body.error.code).toBe('buyer_mismatch');

    const revoked = await first.send('DELETE', `/v1/api-keys/${key.body.id}`, undefined, admin);
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    expect((await place(first, sales)).status).toBe(401);
    let status = 201;
    while (Date.now() - revokedAt <= REVOCATION_BOUND_MS) {
      status = (await place(second, sales)).status;
      if (status === 401) break;
      await sleep(POLL_MS);
    }
    expect(status, sale.deployment.group.outputs()).toBe(401);
  });
});
