// Buyer token keys other than a shared secret: a PEM public key of each supported kind (and no algorithm
// confusion with it), a remote key set served by a local HTTP server whose rotation (a new kid) is picked up,
// a key set that does not answer (503, never a hang or a 500), a cached token that still expires, and `open`
// mode (no credential needed, but a buyer token given is honoured).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessSettings } from '../../src/auth/access.js';
import { AUDIENCE, BUYER_SECRET, bearer, buyerToken, ISSUER } from '../support/buyer-tokens.js';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';

type Alg = 'RS256' | 'ES256' | 'EdDSA';

async function signed(alg: Alg | 'HS256', key: CryptoKey | Uint8Array, sub: string, kid?: string) {
  return new SignJWT({})
    .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('10m')
    .sign(key);
}

async function withServer(access: AccessSettings, run: (bo: TestEmbedded, eventId: string) => Promise<void>) {
  const bo = await startEmbedded({ access });
  try {
    const eventId = uniqueEventId('key');
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 100, price: 1 }] }),
    });
    expect(created.statusCode).toBe(201);
    await run(bo, eventId);
  } finally {
    await bo.dispose();
  }
}

function placeAs(bo: TestEmbedded, eventId: string, token: string, userId: string) {
  return bo.app.inject({
    method: 'POST',
    url: `/v1/events/${eventId}/holds`,
    headers: bearer(token),
    payload: { userId, quantity: 1, poolId: 'ga' },
  });
}

const rules = { issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 0 };

describe('buyer token keys', () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`verifies ${alg} tokens with a PEM public key, and refuses an HS256 token keyed with that PEM`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const pem = await exportSPKI(publicKey);
      await withServer(
        { buyerAuth: 'verified', buyerKey: { publicKeyPem: pem }, buyerTokenRules: rules },
        async (bo, eventId) => {
          expect((await placeAs(bo, eventId, await signed(alg, privateKey, 'dana'), 'dana')).statusCode).toBe(
            201,
          );
          const confused = await signed('HS256', new TextEncoder().encode(pem), 'dana');
          const refused = await placeAs(bo, eventId, confused, 'dana');
          expect([refused.statusCode, refused.json().error.code]).toEqual([401, 'unauthorized']);
          const other = await generateKeyPair(alg);
          expect(
            (await placeAs(bo, eventId, await signed(alg, other.privateKey, 'dana'), 'dana')).statusCode,
          ).toBe(401);
        },
      );
    });
  }

  describe('a remote key set (JWKS)', () => {
    let server: Server;
    let url: string;
    let served: object[] = [];
    let fetches = 0;

    beforeAll(async () => {
      server = createServer((_request, response) => {
        fetches++;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: served }));
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    afterAll(async () => new Promise<void>((done) => server.close(() => done())));

    it('picks up a rotation: a token with a new kid verifies once the set serves it', async () => {
      const first = await generateKeyPair('ES256', { extractable: true });
      const second = await generateKeyPair('ES256', { extractable: true });
      served = [{ ...(await exportJWK(first.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }];
      const access: AccessSettings = {
        buyerAuth: 'verified',
        buyerKey: { jwksUrl: url, jwksCooldownMs: 0 },
        buyerTokenRules: rules,
      };
      await withServer(access, async (bo, eventId) => {
        expect(
          (await placeAs(bo, eventId, await signed('ES256', first.privateKey, 'erin', 'k1'), 'erin'))
            .statusCode,
        ).toBe(201);
        const rotated = await signed('ES256', second.privateKey, 'erin', 'k2');
        expect((await placeAs(bo, eventId, rotated, 'erin')).statusCode).toBe(401);
        served = [...served, { ...(await exportJWK(second.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' }];
        const fetchesBefore = fetches;
        expect((await placeAs(bo, eventId, rotated, 'erin')).statusCode).toBe(201);
        expect(fetches).toBeGreaterThan(fetchesBefore);
      });
    });

    it('answers 503 not_ready, not 500, when the key set cannot be fetched', async () => {
      const key = await generateKeyPair('ES256');
      const access: AccessSettings = {
        buyerAuth: 'verified',
        buyerKey: { jwksUrl: 'http://127.0.0.1:1/jwks.json' },
        buyerTokenRules: rules,
      };
      await withServer(access, async (bo, eventId) => {
        const response = await placeAs(
          bo,
          eventId,
          await signed('ES256', key.privateKey, 'finn', 'k1'),
          'finn',
        );
        expect([response.statusCode, response.json().error.code]).toEqual([503, 'not_ready']);
      });
    });
  });

  it('stops accepting a cached token once it expires', async () => {
    const access: AccessSettings = {
      buyerAuth: 'verified',
      buyerKey: { secret: BUYER_SECRET },
      buyerTokenRules: rules,
    };
    await withServer(access, async (bo, eventId) => {
      const token = await buyerToken('gwen', { expiresInSeconds: 2 });
      expect((await placeAs(bo, eventId, token, 'gwen')).statusCode).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 3_100));
      const response = await placeAs(bo, eventId, token, 'gwen');
      expect([response.statusCode, response.json().error.code]).toEqual([401, 'unauthorized']);
    });
  });

  it('open mode: no credential is needed, but a buyer token given still binds the buyer', async () => {
    const access: AccessSettings = {
      buyerAuth: 'open',
      buyerKey: { secret: BUYER_SECRET },
      buyerTokenRules: rules,
    };
    await withServer(access, async (bo, eventId) => {
      const anonymous = await bo.app.inject({
        method: 'POST',
        url: `/v1/events/${eventId}/holds`,
        payload: { userId: 'anyone', quantity: 1, poolId: 'ga' },
      });
      expect(anonymous.statusCode).toBe(201);
      expect(
        (await bo.app.inject({ method: 'GET', url: `/v1/holds/${anonymous.json().id}` })).statusCode,
      ).toBe(200);
      const token = await buyerToken('hana');
      const mismatch = await placeAs(bo, eventId, token, 'anyone');
      expect([mismatch.statusCode, mismatch.json().error.code]).toEqual([403, 'buyer_mismatch']);
      expect((await placeAs(bo, eventId, token, 'hana')).statusCode).toBe(201);
      // The private read side is private in open mode too.
      expect((await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/tickets` })).statusCode).toBe(
        401,
      );
    });
  });
});
