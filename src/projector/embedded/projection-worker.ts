// The projection thread (BOXOFFICE_PROJECTION_THREAD=worker): opens the checked PGlite store, projects the
// log that the main thread serves it into the store, and carries out the main thread's statements on the
// store (worker-driver.ts). Started and ended by ProjectionThread (projection-thread.ts); it exits once the
// main thread has asked it to close PGlite.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { LogRecord } from '../../log/log.js';
import { openCheckedStore } from '../../store/integrity/open-checked-store.js';
import type { SqlStore } from '../../store/sql-store.js';
import type { ProjectorLogger } from '../outage-log.js';
import { EmbeddedProjection } from './embedded-projection.js';
import { RemoteLog } from './remote-log.js';
import { type Port, ThreadChannel } from './thread-channel.js';
import { serveDriver } from './worker-driver.js';

/** What the main thread hands the projection thread at its start. */
export interface ProjectionThreadData {
  /** PGlite data directory; undefined keeps the store in memory. */
  readonly dataDir: string | undefined;
  /** PGlite's page cache in MB. */
  readonly cacheMb?: number;
  /** This thread's niceness; 0 or absent: left as it is. */
  readonly nice?: number;
}

const channel = new ThreadChannel(parentPort as Port, (error) =>
  channel.notify('warn', error instanceof Error ? error.message : String(error)),
);
const { dataDir, cacheMb, nice } = workerData as ProjectionThreadData;
if (nice !== undefined && nice > 0) lowerOwnPriority(nice);
let opened: { store: SqlStore; projection: EmbeddedProjection; log: RemoteLog } | undefined;
const holds = new Map<number, () => void>();
let nextHold = 1;

function current(): { store: SqlStore; projection: EmbeddedProjection; log: RemoteLog } {
  if (opened === undefined) throw new Error('The projection thread has not opened the store.');
  return opened;
}

channel.handle('open', async () => {
  const store = await openCheckedStore({ dataDir, cacheMb });
  serveDriver(channel, store.driver);
  const log = new RemoteLog(channel);
  const projection = new EmbeddedProjection(log, store, {
    logger: warnings,
    onProjected: (projected) => channel.notify('projected', projected),
  });
  opened = { store, projection, log };
});
channel.handle('replay', () => current().projection.replay());
channel.handle('start', () => current().projection.start());
// Each durable batch: its records (the projection group's), then the count the watermark waits for.
channel.handle('feed', (count: number, records: LogRecord[]) => {
  const { log, projection } = current();
  log.feed(records);
  projection.announced(count);
});
// The audit holds the projection still while it reads gate, log and store (EmbeddedProjection.exclusive).
channel.handle(
  'hold',
  () =>
    new Promise<number>((held) => {
      const id = nextHold++;
      void current().projection.exclusive(
        () =>
          new Promise<void>((release) => {
            holds.set(id, release);
            held(id);
          }),
      );
    }),
);
channel.handle('release', (id: number) => {
  holds.get(id)?.();
  holds.delete(id);
});
channel.handle('stop', () => opened?.projection.stop());
channel.handle('close', async () => {
  await opened?.projection.stop();
  await opened?.store.close();
});

/** The projector's warnings and errors, sent to the main thread's log as one line each; the rest dropped. */
const warnings: ProjectorLogger = {
  debug: () => {},
  info: () => {},
  warn: (fields: unknown, message?: string) => channel.notify('warn', lineOf(fields, message)),
  error: (fields: unknown, message?: string) => channel.notify('warn', lineOf(fields, message)),
} as unknown as ProjectorLogger;

function lineOf(fields: unknown, message: string | undefined): string {
  const { err, ...rest } = (typeof fields === 'object' && fields !== null ? fields : {}) as {
    err?: unknown;
  };
  const why = err instanceof Error ? `: ${err.message}` : err === undefined ? '' : `: ${String(err)}`;
  return `${message ?? String(fields)}${why} ${JSON.stringify(rest)}`;
}

/**
 * Lowers this thread's scheduling priority (Linux: setpriority on the thread's own id, read from
 * /proc/thread-self), so that the requests' thread goes first when both want a core. An unprivileged
 * process can lower a priority but never raise it again: it holds for the thread's life. Where it cannot
 * be done, the main thread is told and the thread runs at its normal priority.
 */
function lowerOwnPriority(nice: number): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, nice);
  } catch (error) {
    channel.notify('warn', `could not lower the projection thread's priority: ${(error as Error).message}`);
  }
}
