// The consumer-group contract of the log port over the memory and file adapters: `open` gives a fresh,
// empty log with its appender and a clock the test moves. (test/contracts/log-port.test.ts runs the same
// contract over memory and Redis; the `file` factory below is meant to join its adapter list.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogEntry, subjectIdOf } from '../../src/domain/log-entry.js';
import { FileLog } from '../../src/log/file/file-log.js';
import { testEntry } from '../../src/log/file/test-entries.js';
import type { Log } from '../../src/log/log.js';
import { MemoryLog } from '../../src/log/memory/memory-log.js';

interface Opened {
  readonly log: Log;
  append(entries: readonly LogEntry[]): Promise<void>;
  cleanup(): Promise<void>;
}

interface LogFactory {
  readonly name: string;
  open(clock: () => number): Promise<Opened>;
}

const LOGS: LogFactory[] = [
  {
    name: 'memory',
    async open(clock) {
      const log = new MemoryLog(clock);
      return { log, append: (entries) => log.append(entries), cleanup: () => log.close() };
    },
  },
  {
    name: 'file',
    async open(clock) {
      const dir = mkdtempSync(join(tmpdir(), 'boxoffice-log-contract-'));
      const log = FileLog.open(dir, { durability: 'process', maxBytes: 1 << 24, segmentBytes: 4096, clock });
      return {
        log,
        append: (entries) => log.append(entries),
        async cleanup() {
          await log.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

const ids = (records: readonly { entry: LogEntry }[]) => records.map((r) => subjectIdOf(r.entry));

describe.each(LOGS)('log port contract: $name', (factory) => {
  let now = 1_000;
  const clock = () => now;
  let opened: Opened | undefined;
  async function open(): Promise<Opened> {
    now = 1_000;
    opened = await factory.open(clock);
    return opened;
  }
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('each group sees every entry once, in order per event', async () => {
    const { log, append } = await open();
    const a = log.consumer('a', 'a1');
    const b = log.consumer('b', 'b1');
    await append([testEntry(1), testEntry(2)]);
    await append([testEntry(3)]);
    expect(ids(await a.readNew(10))).toEqual(['h.e1.1', 'h.e2.2', 'h.e0.3']);
    expect(await a.readNew(10)).toEqual([]);
    expect(ids(await b.readNew(2))).toEqual(['h.e1.1', 'h.e2.2']);
    expect(ids(await b.readNew(2))).toEqual(['h.e0.3']);
  });

  it('members of one group share its entries', async () => {
    const { log, append } = await open();
    const first = log.consumer('g', 'm1');
    const second = log.consumer('g', 'm2');
    await append([1, 2, 3, 4].map((n) => testEntry(n)));
    const one = await first.readNew(2);
    const two = await second.readNew(10);
    expect([...ids(one), ...ids(two)].sort()).toEqual(['h.e0.3', 'h.e1.1', 'h.e1.4', 'h.e2.2']);
    expect(one.length).toBe(2);
  });

  it('reports lag and pending per group, of all events or of one', async () => {
    const { log, append } = await open();
    const consumer = log.consumer('g', 'm');
    await append([testEntry(1, 'x'), testEntry(2, 'y'), testEntry(3, 'x')]);
    await consumer.readNew(1);
    expect(await log.positions()).toEqual([{ group: 'g', pending: 1, lag: 2 }]);
    expect(await log.positions('x')).toEqual([{ group: 'g', pending: 1, lag: 1 }]);
  });

  it('an acknowledged entry is gone for the group; the unacknowledged tail lists the rest of an event', async () => {
    const { log, append } = await open();
    const consumer = log.consumer('g', 'm');
    await append([testEntry(1, 'x'), testEntry(2, 'x'), testEntry(3, 'y')]);
    const records = await consumer.readNew(2);
    await consumer.acknowledge(records.slice(0, 1));
    expect((await log.unacknowledged('g', 'x')).map((e) => subjectIdOf(e))).toEqual(['h.x.2']);
    expect((await log.unacknowledged('g', 'y')).map((e) => subjectIdOf(e))).toEqual(['h.y.3']);
    expect(await log.positions()).toEqual([{ group: 'g', pending: 1, lag: 1 }]);
  });

  it('a member claims what another left pending too long, with the delivery counted', async () => {
    const { log, append } = await open();
    const dead = log.consumer('g', 'dead');
    const alive = log.consumer('g', 'alive');
    await append([testEntry(1), testEntry(2)]);
    await dead.readNew(10);
    expect(await alive.claimStale(5_000, 10)).toEqual([]);
    now += 5_000;
    const claimed = await alive.claimStale(5_000, 1);
    expect(ids(claimed)).toEqual(['h.e1.1']);
    expect(claimed[0]?.deliveries).toBe(2);
    await alive.acknowledge(claimed);
    expect(ids(await alive.claimStale(5_000, 10))).toEqual(['h.e2.2']);
  });

  it('a dead letter is acknowledged for its group', async () => {
    const { log, append } = await open();
    const consumer = log.consumer('g', 'm');
    await append([testEntry(1, 'x')]);
    const [record] = await consumer.readNew(1);
    await consumer.deadLetter(record as NonNullable<typeof record>, 'cannot project');
    expect(await log.unacknowledged('g', 'x')).toEqual([]);
    expect(await log.positions()).toEqual([{ group: 'g', pending: 0, lag: 0 }]);
  });

  it('trimming keeps whatever some group has not acknowledged', async () => {
    const { log, append } = await open();
    const fast = log.consumer('fast', 'm');
    const slow = log.consumer('slow', 'm');
    for (let n = 0; n < 200; n++) await append([testEntry(n, 'x')]);
    await fast.acknowledge(await fast.readNew(1_000));
    const slowDone = await slow.readNew(50);
    await slow.acknowledge(slowDone);
    await log.trim();
    expect((await log.unacknowledged('slow', 'x')).length).toBe(150);
    expect((await slow.readNew(1_000)).length).toBe(150);
    expect(await log.unacknowledged('fast', 'x')).toEqual([]);
  });
});
