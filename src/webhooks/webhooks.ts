// What a shape needs to offer webhooks: the routes' dependencies (AppDeps.webhooks) and a dispatcher over
// its log. See docs/webhooks.md for how each shape runs them.

import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Log } from '../log/log.js';
import type { SqlDriver } from '../store/sql-driver.js';
import { type DispatcherLogger, WebhookDispatcher } from './dispatcher.js';
import { openSecretBox, SecretBox } from './secret-box.js';
import { createWebhookMetrics } from './webhook-metrics.js';
import type { WebhookRouteDeps } from './webhook-routes.js';
import { WebhookStore } from './webhook-store.js';

export interface WebhookSettings {
  /** The store's database (SqlStore.driver). */
  readonly driver: SqlDriver;
  /** BOXOFFICE_WEBHOOKS_KEY ('' when unset). */
  readonly key: string;
  /** Embedded: where a generated key is kept when `key` is unset; undefined for a store in memory. */
  readonly dataDir?: string;
  /** A store kept in memory (tests): a key for this process only will do, nothing outlives it. */
  readonly inMemory?: boolean;
  /** BOXOFFICE_WEBHOOKS_ALLOW_PRIVATE. */
  readonly allowPrivate: boolean;
}

/** The routes' dependencies; throws with the setting to give when there is no key to seal secrets with. */
export function openWebhooks(settings: WebhookSettings): WebhookRouteDeps {
  const secrets =
    settings.key === '' && settings.dataDir === undefined && settings.inMemory === true
      ? new SecretBox(randomBytes(32))
      : openSecretBox(settings.key, settings.dataDir);
  return {
    store: new WebhookStore(settings.driver),
    secrets,
    guard: { allowPrivate: settings.allowPrivate },
  };
}

export interface DispatcherSettings {
  readonly log: Log;
  /** This process's name in the `webhooks` consumer group. */
  readonly member: string;
  /** The process's metrics registry (Metrics.registry or the worker's). */
  readonly registry?: Registry;
  readonly logger?: DispatcherLogger;
  /** Log records per ingest step and deliveries per send round (the dispatcher's default when absent). */
  readonly batchSize?: number;
}

/** A dispatcher over the log, with its metrics registered; the caller start()s it and stop()s it on close. */
export function webhookDispatcher(
  webhooks: WebhookRouteDeps,
  settings: DispatcherSettings,
): WebhookDispatcher {
  return new WebhookDispatcher({
    log: settings.log,
    store: webhooks.store,
    secrets: webhooks.secrets,
    member: settings.member,
    allowPrivate: webhooks.guard.allowPrivate,
    metrics: settings.registry === undefined ? undefined : createWebhookMetrics(settings.registry),
    logger: settings.logger,
    batchSize: settings.batchSize,
  });
}
