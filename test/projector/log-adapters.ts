// The projector suites run over both adapters of the log port it reads: Redis streams (the distributed shape,
// written as the gate's scripts write them) and the log file (the embedded shape, appended to as its group
// commit does). Each adapter opens once per suite; events are unique per test, so tests share it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { distributedProjector } from '../../src/distributed-projector.js';
import type { LogEntry } from '../../src/domain/log-entry.js';
import { eventKeys } from '../../src/gate/redis/keys.js';
import { FileLog } from '../../src/log/file/file-log.js';
import { PROJECTION_GROUP } from '../../src/log/log.js';
import { unacknowledgedCount } from '../../src/log/redis/unacknowledged.js';
import { Projector, type ProjectorOptions } from '../../src/projector/projector.js';
import { cleanupAtExit } from '../support/exit-cleanup.js';
import { appendEntries, type SuiteServices, useSuiteServices } from './fixtures.js';

/** A projector's settings, less the log (the adapter's). */
export type WorkerOptions = Omit<ProjectorOptions, 'log'> & {
  /** Redis adapter: the worker's own connection (a separate process's); the suite's when absent. */
  readonly redis?: Redis;
};

export interface LogUnderTest {
  /** Appends one event's entries as its shape's writer does. */
  append(eventId: string, entries: readonly LogEntry[]): Promise<void>;
  /** A projector worker over this log. */
  projector(options: WorkerOptions): Projector;
  /** Entries of the event the projection group has not acknowledged: pending plus undelivered. */
  unprojected(eventId: string): Promise<number>;
  /** The log has let go of every acknowledged entry of the event (trimmed). */
  trimmed(eventId: string): Promise<boolean>;
  /** Why each of the event's dead letters was moved there, in order. */
  deadLetterErrors(eventId: string): Promise<string[]>;
}

export interface LogAdapter {
  readonly name: 'redis' | 'file';
  /** Opens the log for a suite; `redis` is the suite's client (the Redis adapter's log lives there). */
  open(redis: Redis): Promise<LogUnderTest & { close(): Promise<void> }>;
}

const redisAdapter: LogAdapter = {
  name: 'redis',
  async open(redis) {
    return {
      append: (eventId, entries) => appendEntries(redis, eventId, entries),
      projector: ({ redis: own, ...options }) =>
        distributedProjector({ trimMarginMs: 0, redis: own ?? redis, ...options }),
      unprojected: (eventId) => unacknowledgedCount(redis, eventId),
      trimmed: async (eventId) => (await redis.xlen(eventKeys(eventId).log)) === 0,
      async deadLetterErrors(eventId) {
        const letters = await redis.xrange(eventKeys(eventId).deadLetters, '-', '+');
        return letters.map(([, fields]) => fields[fields.indexOf('error') + 1] as string);
      },
      close: async () => {},
    };
  },
};

const SEGMENT_BYTES = 64 * 1024;
const FRAME_ENTRIES = 50;

const fileAdapter: LogAdapter = {
  name: 'file',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'boxoffice-projector-log-'));
    const forget = cleanupAtExit(`log dir ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    // Small segments, so that trimming lets go of them while a test runs.
    const log = FileLog.open(dir, { durability: 'process', maxBytes: 1 << 26, segmentBytes: SEGMENT_BYTES });
    const position = async (eventId: string) =>
      (await log.positions(eventId)).find((at) => at.group === PROJECTION_GROUP);
    return {
      // In batches, as the group commit appends them: one frame each.
      async append(_eventId, entries) {
        for (let start = 0; start < entries.length; start += FRAME_ENTRIES)
          await log.append(entries.slice(start, start + FRAME_ENTRIES));
      },
      projector: ({ redis: _own, ...options }) => new Projector({ log, ...options }),
      async unprojected(eventId) {
        const at = await position(eventId);
        return at === undefined ? 0 : at.pending + at.lag;
      },
      // Segments go as a whole: what is left after a trim is the segment being written, at most.
      async trimmed(eventId) {
        await log.trim();
        const acknowledged = (await log.unacknowledged(PROJECTION_GROUP, eventId)).length === 0;
        return acknowledged && log.diskBytes() < 2 * SEGMENT_BYTES;
      },
      async deadLetterErrors(eventId) {
        let text = '';
        try {
          text = readFileSync(join(dir, `${PROJECTION_GROUP}.dead`), 'utf8');
        } catch {}
        return text
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as { error: string; entry: LogEntry })
          .filter((letter) => letter.entry.eventId === eventId)
          .map((letter) => letter.error);
      },
      async close() {
        await log.close();
        rmSync(dir, { recursive: true, force: true });
        forget();
      },
    };
  },
};

export const LOG_ADAPTERS: readonly LogAdapter[] = [redisAdapter, fileAdapter];

/** Opens the adapter's log for the suite (after useSuiteServices), closed again after it. */
export function useLogUnderTest(
  adapter: LogAdapter,
  redis: () => Redis,
  receive: (log: LogUnderTest) => void,
): void {
  let opened: (LogUnderTest & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    opened = await adapter.open(redis());
    receive(opened);
  });
  afterAll(async () => {
    await opened?.close();
  });
}

/** The suite's services (useSuiteServices) and the adapter's log on them, handed to `receive` together. */
export function useServicesWithLog(
  adapter: LogAdapter,
  receive: (suite: SuiteServices & { readonly log: LogUnderTest }) => void,
): void {
  let services: SuiteServices | undefined;
  useSuiteServices((given) => {
    services = given;
  });
  useLogUnderTest(
    adapter,
    () => (services as SuiteServices).redis,
    (log) => receive({ ...(services as SuiteServices), log }),
  );
}
