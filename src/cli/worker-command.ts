// `boxoffice worker`: one projector worker process of the distributed shape. Connects to Redis (one node or a
// cluster) and PostgreSQL, migrates the schema, serves Prometheus metrics, projects until SIGTERM/SIGINT,
// then finishes the batch in hand and exits 0.
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type Config, loadConfig } from '../config.js';
import { assembleWorker } from '../distributed.js';
import { createProjectorMetrics } from '../metrics/projector-metrics.js';
import { parseWorkerFlags, WORKER_USAGE as USAGE } from './worker-usage.js';

export async function runWorker(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let settings: Config;
  try {
    settings = loadConfig(process.env, parseWorkerFlags(args));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (settings.shape !== 'distributed') {
    process.stderr.write(
      `The worker needs Redis (REDIS_URL or REDIS_CLUSTER_NODES) and DATABASE_URL.\n\n${USAGE}`,
    );
    return 2;
  }
  const logger = pino({ level: settings.logLevel }).child({
    module: 'projector',
    consumer: settings.consumer,
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'boxoffice_' });
  const worker = await assembleWorker(settings, {
    metrics: createProjectorMetrics(registry),
    registry,
    logger,
  });
  let server: Server;
  try {
    server = await serveMetrics(registry, settings.metricsPort, settings.metricsHost);
  } catch (error) {
    // Nothing may keep the process alive after a failed start (a Redis client reconnects forever).
    await worker.close();
    throw error;
  }
  const running = worker.start();
  logger.info(
    { metrics: metricsUrlOf(server), webhooks: worker.webhooks !== undefined },
    'projector worker started',
  );
  await untilSignal();
  logger.info('stopping: finishing the batch in hand');
  await worker.stop();
  await running;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await worker.close();
  logger.info('projector worker stopped');
  return 0;
}

async function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    } else if (request.method === 'GET' && request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

function metricsUrlOf(server: Server): string {
  const address = server.address();
  return typeof address === 'object' && address !== null
    ? `http://${address.address}:${address.port}/metrics`
    : String(address);
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
