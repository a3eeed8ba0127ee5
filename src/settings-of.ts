// The parts of the configuration that both shapes' factories take alike (src/embedded.ts, src/distributed.ts).
import type { FastifyBaseLogger } from 'fastify';
import type { AccessSettings } from './auth/access.js';
import type { Config } from './config.js';

export function accessOf(config: Config): AccessSettings {
  return {
    buyerAuth: config.buyerAuth,
    buyerKey: {
      secret: config.buyerJwtSecret,
      publicKeyPem: config.buyerJwtPublicKeyPem,
      jwksUrl: config.buyerJwksUrl,
    },
    buyerTokenRules: {
      issuer: config.buyerJwtIssuer,
      audience: config.buyerJwtAudience,
      clockToleranceSeconds: config.buyerJwtClockToleranceSeconds,
    },
    metricsToken: config.metricsToken,
  };
}

/** The waiting room's pass key (empty: generated and kept) and abandonment time. */
export function queueOf(config: Config) {
  return {
    queueSecret: config.queueSecret || undefined,
    queue: { abandonAfterSeconds: config.queueAbandonSeconds },
  };
}

/** The rate limits and proxy trust of a configuration, as both shapes take them. */
export function limitsOf(config: Config) {
  return {
    rateLimits: {
      perIp: config.rateLimitPerIp,
      perBuyer: config.rateLimitPerBuyer,
      perKey: config.rateLimitPerKey,
    },
    trustProxy: config.trustProxy,
  };
}

/** What `serve` takes alike in both shapes: HTTP limits, access, rate limits, the waiting room, webhooks. */
export function servingOf(config: Config, logger: FastifyBaseLogger | undefined) {
  return {
    liveConnectionsPerAddress: config.liveConnectionsPerAddress,
    logger,
    serverLimits: config.serverLimits,
    ...limitsOf(config),
    access: accessOf(config),
    ...queueOf(config),
    webhooksKey: config.webhooksKey || undefined,
    webhooksAllowPrivate: config.webhooksAllowPrivate,
  };
}
