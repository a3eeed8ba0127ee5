// The log port's consumer-group contract, run against every adapter: the memory log, the file log (also with
// one entry kept in memory, so reads go to its segments) and Redis streams (a private redis-server, entries
// appended the way the gate's scripts append them). Each group sees every
// entry once, in order per event; members of one group share entries; a dead member's entries are claimed;
// trimming keeps whatever any group has not acknowledged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newHold } from '../../src/domain/hold.js';
import { type LogEntry, subjectIdOf } from '../../src/domain/log-entry.js';
import { FileLog } from '../../src/log/file/file-log.js';
import type { Log, LogRecord } from '../../src/log/log.js';
import { MemoryLog } from '../../src/log/memory/memory-log.js';
import { ENTRY_FIELD, EVENTS_KEY, eventKeys } from '../../src/log/redis/encoding.js';
import { RedisLog } from '../../src/log/redis/redis-log.js';
import { uniqueEventId } from '../support/embedded.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

const NOW = 1_800_000_000_000;
/** Idle time after which a pending entry may be claimed in these tests. */
const CLAIM_IDLE_MS = 60;

interface Subject {
  readonly log: Log;
  /** Appends as the log's writer does (the embedded group commit; the distributed gate's Lua calls). */
  append(entries: readonly LogEntry[]): Promise<void>;
}

interface Adapter {
  readonly name: string;
  readonly available: boolean;
  setUp(): Promise<void>;
  /** A log of its own: nothing of earlier tests in it. */
  subject(): Promise<Subject>;
  tearDown(): Promise<void>;
}

const memory: Adapter = {
  name: 'memory',
  available: true,
  async setUp() {},
  async subject() {
    const log = new MemoryLog();
    return { log, append: (entries) => log.append(entries) };
  },
  async tearDown() {},
};

/**
 * The file log, one batch per segment (it frees room a segment at a time; with one batch each, a trim frees
 * exactly what the other adapters free). `memoryEntries` 1 makes nearly every read go to the segments.
 */
function fileAdapter(name: string, memoryEntries?: number): Adapter {
  const dirs: string[] = [];
  const logs: FileLog[] = [];
  return {
    name,
    available: true,
    async setUp() {},
    async subject() {
      const dir = mkdtempSync(join(tmpdir(), 'boxoffice-log-port-'));
      dirs.push(dir);
      const log = FileLog.open(dir, {
        durability: 'process',
        maxBytes: 1 << 24,
        segmentBytes: 1,
        memoryEntries,
      });
      logs.push(log);
      return { log, append: (entries) => log.append(entries) };
    },
    async tearDown() {
      for (const log of logs.splice(0)) await log.close();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function redisAdapter(): Adapter {
  let server: RedisServer | undefined;
  let redis: Redis | undefined;
  return {
    name: 'redis',
    available: redisAvailable(),
    async setUp() {
      server = await startRedis();
      redis = new Redis(server.port, '127.0.0.1');
    },
    async subject() {
      const client = redis as Redis;
      await client.flushall();
      return {
        log: new RedisLog({ redis: client, trimMarginMs: 0, eventsRefreshMs: 1 }),
        // The fields the gate's scripts write (lua/common.lua, append), and the event in the registry.
        async append(entries) {
          for (const entry of entries) {
            await client.sadd(EVENTS_KEY, entry.eventId);
            await client.xadd(eventKeys(entry.eventId).log, '*', ENTRY_FIELD, JSON.stringify(entry));
          }
        },
      };
    },
    async tearDown() {
      redis?.disconnect();
      await server?.stop();
    },
  };
}

function placed(eventId: string, n: number): LogEntry {
  const hold = newHold(eventId, `u${n}`, [{ poolId: 'ga', quantity: 1, price: 100 }], NOW + n, 300);
  return { type: 'hold_placed', eventId, atMs: NOW + n, hold };
}

const holdIds = (records: readonly LogRecord[]) => records.map((record) => subjectIdOf(record.entry));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const adapter of [
  memory,
  fileAdapter('file'),
  fileAdapter('file, one entry kept in memory', 1),
  redisAdapter(),
]) {
  describe.skipIf(!adapter.available)(`log port: ${adapter.name}`, () => {
    beforeAll(() => adapter.setUp());
    afterAll(() => adapter.tearDown());

    /** A fresh log with `count` entries of one new event. */
    async function withEntries(count: number) {
      const subject = await adapter.subject();
      const eventId = uniqueEventId();
      const entries = Array.from({ length: count }, (_, n) => placed(eventId, n));
      await subject.append(entries);
      return { ...subject, eventId, entries, ids: entries.map((entry) => subjectIdOf(entry)) };
    }

    it('delivers every entry once to a group, in log order, first delivery counted', async () => {
      const { log, ids, eventId } = await withEntries(7);
      const member = log.consumer('g', 'a');
      const first = await member.readNew(4);
      const second = await member.readNew(10);
      expect(holdIds([...first, ...second])).toEqual(ids);
      expect([...first, ...second].every((r) => r.deliveries === 1 && r.eventId === eventId)).toBe(true);
      expect(await member.readNew(10)).toEqual([]);
    });

    it('shares one group among its members: no entry goes to two', async () => {
      const { log, ids } = await withEntries(6);
      const a = log.consumer('g', 'a');
      const b = log.consumer('g', 'b');
      const got = [...(await a.readNew(3)), ...(await b.readNew(10)), ...(await a.readNew(10))];
      expect(holdIds(got).sort()).toEqual([...ids].sort());
    });

    it('gives each group every entry, independently of the others', async () => {
      const { log, ids } = await withEntries(5);
      const projector = log.consumer('projectors', 'p');
      const webhooks = log.consumer('webhooks', 'w');
      const projected = await projector.readNew(10);
      await projector.acknowledge(projected);
      expect(holdIds(await webhooks.readNew(10))).toEqual(ids);
      expect(await projector.readNew(10)).toEqual([]);
    });

    it('counts pending and undelivered entries per group', async () => {
      const { log, eventId } = await withEntries(6);
      const a = log.consumer('g', 'a');
      const other = log.consumer('h', 'x');
      const read = await a.readNew(4);
      await a.acknowledge(read.slice(0, 1));
      await other.readNew(0);
      const positions = await log.positions(eventId);
      expect(positions.find((p) => p.group === 'g')).toEqual({ group: 'g', pending: 3, lag: 2 });
      // Whether h exists yet depends on the adapter creating it on first read; when it does, it lags by all.
      const h = positions.find((p) => p.group === 'h');
      if (h !== undefined) expect(h).toEqual({ group: 'h', pending: 0, lag: 6 });
      for (const position of await log.positions(uniqueEventId()))
        expect(position).toMatchObject({ pending: 0, lag: 0 });
    });

    it('lists what a group has not acknowledged, oldest first: pending and undelivered', async () => {
      const { log, eventId, ids } = await withEntries(5);
      const a = log.consumer('g', 'a');
      const read = await a.readNew(3);
      await a.acknowledge([read[0] as LogRecord, read[2] as LogRecord]);
      const left = await log.unacknowledged('g', eventId);
      expect(left.map((entry) => subjectIdOf(entry))).toEqual([ids[1], ids[3], ids[4]]);
    });

    it("hands a dead member's pending entries to another member once they are idle, counting deliveries", async () => {
      const { log, ids } = await withEntries(3);
      const dead = log.consumer('g', 'dead');
      const alive = log.consumer('g', 'alive');
      await dead.readNew(2);
      expect(await alive.claimStale(60_000, 10)).toEqual([]);
      await wait(CLAIM_IDLE_MS + 20);
      const claimed = await alive.claimStale(CLAIM_IDLE_MS, 10);
      expect(holdIds(claimed)).toEqual(ids.slice(0, 2));
      expect(claimed.map((record) => record.deliveries)).toEqual([2, 2]);
      // Now the alive member's, delivered again only after another idle spell.
      expect(await alive.claimStale(CLAIM_IDLE_MS, 10)).toEqual([]);
      await alive.acknowledge(claimed);
      await wait(CLAIM_IDLE_MS + 20);
      expect(await dead.claimStale(CLAIM_IDLE_MS, 10)).toEqual([]);
    });

    it('dead-letters a record: acknowledged, never delivered again', async () => {
      const { log, eventId, ids } = await withEntries(2);
      const a = log.consumer('g', 'a');
      const [poison, healthy] = await a.readNew(2);
      await a.deadLetter(poison as LogRecord, 'cannot project');
      await wait(CLAIM_IDLE_MS + 20);
      expect(holdIds(await a.claimStale(CLAIM_IDLE_MS, 10))).toEqual([ids[1]]);
      await a.acknowledge([healthy as LogRecord]);
      expect(await log.unacknowledged('g', eventId)).toEqual([]);
    });

    it('trims only what every group has acknowledged', async () => {
      const { log, eventId, ids } = await withEntries(6);
      const fast = log.consumer('fast', 'f');
      const slow = log.consumer('slow', 's');
      await fast.acknowledge(await fast.readNew(10));
      const slowRead = await slow.readNew(3);
      await slow.acknowledge(slowRead.slice(0, 2));
      await log.trim();
      // The slow group still has its pending third entry and three undelivered ones.
      expect((await log.unacknowledged('slow', eventId)).map((e) => subjectIdOf(e))).toEqual(ids.slice(2));
      expect(holdIds(await slow.readNew(10))).toEqual(ids.slice(3));
      await wait(CLAIM_IDLE_MS + 20);
      const reclaimed = await slow.claimStale(CLAIM_IDLE_MS, 10);
      expect(holdIds(reclaimed)).toEqual(ids.slice(2));
      await slow.acknowledge(reclaimed);
      const removed = await log.trim();
      if (removed !== undefined) expect(removed).toBeGreaterThanOrEqual(4);
      expect(await log.unacknowledged('slow', eventId)).toEqual([]);
      expect(await log.unacknowledged('fast', eventId)).toEqual([]);
      // A group created after the trim starts at what is left: nothing.
      expect(await log.consumer('late', 'l').readNew(10)).toEqual([]);
    });
  });
}
