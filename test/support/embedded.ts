// A fresh embedded boxoffice for one test: its own copy of the migrated PGlite template, its own clock.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { inject } from 'vitest';
import type { AccessSettings } from '../../src/auth/access.js';
import { assembleEmbedded, type Embedded } from '../../src/embedded.js';
import type { ServerLimits } from '../../src/http/server-limits.js';
import type { AppendableLog } from '../../src/log/log.js';
import {
  PROJECTION_THREAD_DEFAULT,
  PROJECTION_THREAD_MODES,
  type ProjectionThreadMode,
} from '../../src/projector/embedded/projection-mode.js';
import type { QueueOptions } from '../../src/queue/assemble-queue.js';
import type { CallerIdentity, RateLimitSettings } from '../../src/ratelimit/rate-limits.js';
import { PgliteDriver } from '../../src/store/pglite/pglite-driver.js';
import type { SqlDriver } from '../../src/store/sql-driver.js';
import type { WebhookRouteDeps } from '../../src/webhooks/webhook-routes.js';
import { cleanupAtExit } from './exit-cleanup.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface TestEmbedded extends Embedded {
  readonly dataDir: string;
  /** Closes and deletes the data dir. */
  dispose(): Promise<void>;
  /** Deletes the data dir this start made (after close(), when a restart reused it). */
  removeDataDir(): void;
}

/** A copy of the migrated template data dir, deleted by the returned cleanup. */
export function freshDataDir(): { dataDir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'boxoffice-test-'));
  const dataDir = join(root, 'data');
  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  const forget = cleanupAtExit(`PGlite data dir ${root}`, removeRoot);
  cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
  return {
    dataDir,
    remove: () => {
      removeRoot();
      forget();
    },
  };
}

export interface StartOptions {
  readonly clock?: () => number;
  readonly dataDir?: string;
  /** Wraps the real PGlite driver (fault injection). */
  readonly wrapDriver?: (driver: SqlDriver) => SqlDriver;
  /** Where the projection runs (default: BOXOFFICE_PROJECTION_THREAD of the run; `main` with wrapDriver). */
  readonly projectionThread?: ProjectionThreadMode;
  readonly sweepIntervalMs?: number;
  /** Timeouts and connection bound of the server (small ones make timeout tests short). */
  readonly serverLimits?: ServerLimits;
  readonly logger?: FastifyBaseLogger;
  readonly rateLimits?: RateLimitSettings & CallerIdentity;
  readonly trustProxy?: false | number;
  /** Buyer verification and credentials (default `open`). */
  readonly access?: AccessSettings;
  /** Wraps the log file (fault injection into its writes). */
  readonly wrapLog?: (log: AppendableLog) => AppendableLog;
  readonly logMaxBytes?: number;
  /** The waiting room's test knobs (seeded draw, manual admission steps). */
  readonly queue?: QueueOptions;
  readonly queueSecret?: string;
  /** Webhook endpoints on 127.0.0.1 (a receiver in the test). */
  readonly webhooksAllowPrivate?: boolean;
  /** Lets the routes' dependencies be chosen once the store's driver is known; the server then delivers nothing. */
  readonly webhooksForTests?: (driver: SqlDriver) => WebhookRouteDeps;
}

export async function startEmbedded(options: StartOptions = {}): Promise<TestEmbedded> {
  const fresh = options.dataDir === undefined ? freshDataDir() : undefined;
  const dataDir = options.dataDir ?? (fresh?.dataDir as string);
  // A wrapped driver (fault injection) keeps the projection on this thread: a driver cannot cross to another.
  const projectionThread =
    options.wrapDriver === undefined ? (options.projectionThread ?? projectionThreadOfTests()) : 'main';
  const driver =
    projectionThread === 'main' ? wrapped(await PgliteDriver.open(dataDir), options.wrapDriver) : undefined;
  const embedded = await assembleEmbedded({
    dataDir,
    driver,
    projectionThread,
    adminToken: ADMIN_TOKEN,
    defaults: { holdTtlSeconds: 300, maxPerUser: 10 },
    sweepIntervalMs: options.sweepIntervalMs ?? 1000,
    clock: options.clock,
    serverLimits: options.serverLimits,
    logger: options.logger,
    rateLimits: options.rateLimits,
    trustProxy: options.trustProxy,
    access: options.access,
    wrapLog: options.wrapLog,
    logMaxBytes: options.logMaxBytes,
    queue: options.queue,
    queueSecret: options.queueSecret,
    webhooksAllowPrivate: options.webhooksAllowPrivate,
    webhooksForTests: options.webhooksForTests && { deps: options.webhooksForTests, deliver: false },
  });
  return {
    ...embedded,
    dataDir,
    async dispose() {
      await embedded.close();
      fresh?.remove();
    },
    removeDataDir() {
      fresh?.remove();
    },
  };
}

/** BOXOFFICE_PROJECTION_THREAD of the test run (the suites run in either mode); the server's default when unset. */
export function projectionThreadOfTests(): ProjectionThreadMode {
  const mode = process.env.BOXOFFICE_PROJECTION_THREAD;
  return PROJECTION_THREAD_MODES.find((known) => known === mode) ?? PROJECTION_THREAD_DEFAULT;
}

function wrapped(driver: SqlDriver, wrap: ((driver: SqlDriver) => SqlDriver) | undefined): SqlDriver {
  return wrap === undefined ? driver : wrap(driver);
}

let eventCounter = 0;
/** An event id no other test uses. */
export function uniqueEventId(prefix = 'ev'): string {
  eventCounter++;
  return `${prefix}-${process.pid}-${eventCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface EventShape {
  readonly pools?: readonly { id: string; capacity: number; price: number }[];
  readonly sections?: readonly {
    id: string;
    price: number;
    rows: readonly { id: string; seats: number }[];
  }[];
  readonly maxPerUser?: number;
  readonly holdTtlSeconds?: number;
  readonly maxHoldSeconds?: number;
  readonly offerTtlSeconds?: number;
}

export function eventBody(id: string, shape: EventShape) {
  return { id, name: `Event ${id}`, venue: 'Test Arena', startsAt: '2027-01-01T20:00:00Z', ...shape };
}

/** A manual clock for tests of expiry: starts now, moves only when told. */
export function manualClock(startMs = Date.now()) {
  let now = startMs;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
