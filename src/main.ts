// Composition root: config → adapters → app → listen. The only place that picks the shape and its adapters.
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type Config, isLoopback } from './config.js';
import { assembleDistributed, distributedOptionsOf } from './distributed.js';
import { assembleEmbedded, embeddedOptionsOf } from './embedded.js';
import { closeConnectionsOnStop } from './http/close-connections-on-stop.js';
import { acquireDataDirLock } from './store/pglite/data-dir-lock.js';
import { prepareDataDir } from './store/pglite/store-marker.js';

export interface Running {
  readonly app: FastifyInstance;
  readonly url: string;
  /** Resolves with the reason when the server must stop serving (Redis no longer persists); else never. */
  readonly failed: Promise<string>;
  stop(): Promise<void>;
}

interface Assembled {
  readonly app: FastifyInstance;
  readonly details: Record<string, unknown>;
  readonly failed?: Promise<string>;
  start(): void;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<Running> {
  const logger = pino({ level: config.logLevel, redact: LOG_REDACTED });
  const assembled =
    config.shape === 'distributed' ? await distributed(config, logger) : await embedded(config, logger);
  closeConnectionsOnStop(assembled.app);
  assembled.start();
  let url: string;
  try {
    url = await assembled.app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Nothing was served: stop what was started (the projection thread, timers), so the process exits.
    await assembled.close().catch(() => {});
    throw error;
  }
  logger.info(
    { url, shape: config.shape, buyerAuth: config.buyerAuth, ...assembled.details },
    'boxoffice listening',
  );
  warnAboutExposure(config, logger);
  if (config.adminTokenGenerated) {
    // Printed once, on stderr, outside the JSON log: the operator needs to read it, the log must not keep it.
    process.stderr.write(
      `\nNo BOXOFFICE_ADMIN_TOKEN set; the admin token of this run is:\n\n  ${config.adminToken}\n\n`,
    );
  }
  return {
    app: assembled.app,
    url,
    failed: assembled.failed ?? new Promise<string>(() => {}),
    async stop() {
      await assembled.close();
      logger.info('boxoffice stopped');
    },
  };
}

/** Credentials never reach a log line, wherever a logged object carries them. */
export const LOG_REDACTED = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'adminToken',
  'secret',
  '*.secret',
  'metricsToken',
  'buyerJwtSecret',
  'queueSecret',
];

/** Started on purpose in a mode that trusts callers more than a public address should: said once, loudly. */
function warnAboutExposure(config: Config, logger: pino.Logger): void {
  if (isLoopback(config.host)) return;
  if (config.buyerAuth === 'open')
    logger.warn(
      { host: config.host },
      'BOXOFFICE_BUYER_AUTH=open on a non-loopback address: any caller may hold, confirm and release for any userId',
    );
  if (config.metricsToken === '')
    logger.warn(
      { host: config.host },
      'BOXOFFICE_METRICS_TOKEN is unset: /metrics is open to anyone who can reach it',
    );
}

async function embedded(config: Config, logger: pino.Logger): Promise<Assembled> {
  const dataDir = resolve(config.dataDir);
  prepareDataDir(dataDir, true);
  const releaseLock = acquireDataDirLock(dataDir);
  const shape = await assembleEmbedded(embeddedOptionsOf(config, dataDir, logger)).catch((error: unknown) => {
    // A refused store leaves the directory as it found it, lock included.
    releaseLock();
    throw error;
  });
  return {
    app: shape.app,
    details: { dataDir },
    start: () => shape.sweeper.start(),
    async close() {
      await shape.close();
      releaseLock();
    },
  };
}

async function distributed(config: Config, logger: pino.Logger): Promise<Assembled> {
  let fail: (reason: string) => void = () => {};
  const failed = new Promise<string>((resolve) => {
    fail = resolve;
  });
  const shape = await assembleDistributed(distributedOptionsOf(config, logger, (problem) => fail(problem)));
  const where =
    config.redisClusterNodes.length > 0 ? { redisCluster: config.redisClusterNodes } : { redis: 'REDIS_URL' };
  return {
    app: shape.app,
    details: { ...where, projector: config.projector, redisPersistence: config.redisPersistence },
    failed,
    start: () => shape.start(),
    close: () => shape.close(),
  };
}
