// Composition root: config → adapters → app → listen. The only place that picks adapters.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import type { Config } from './config.js';
import { assembleEmbedded, type Embedded } from './embedded.js';
import { acquireDataDirLock } from './store/pglite/data-dir-lock.js';

export interface Running {
  readonly embedded: Embedded;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config): Promise<Running> {
  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'adminToken'] });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = acquireDataDirLock(dataDir);
  const embedded = await assembleEmbedded({
    dataDir,
    adminToken: config.adminToken,
    defaults: { holdTtlSeconds: config.holdTtlSeconds, maxPerUser: config.maxPerUser },
    sweepIntervalMs: config.sweepIntervalMs,
    logger,
  });
  embedded.sweeper.start();
  const url = await embedded.app.listen({ port: config.port, host: config.host });
  logger.info({ url, dataDir, shape: 'embedded' }, 'boxoffice listening');
  if (config.adminTokenGenerated) {
    // Printed once, on stderr, outside the JSON log: the operator needs to read it, the log must not keep it.
    process.stderr.write(
      `\nNo BOXOFFICE_ADMIN_TOKEN set; the admin token of this run is:\n\n  ${config.adminToken}\n\n`,
    );
  }
  return {
    embedded,
    url,
    async stop() {
      await embedded.close();
      releaseLock();
      logger.info('boxoffice stopped');
    },
  };
}
