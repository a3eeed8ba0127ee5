import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogEntry, subjectIdOf } from '../../domain/log-entry.js';
import { PROJECTION_GROUP } from '../log.js';
import { FileLog, type FileLogOptions } from './file-log.js';
import { FRAME_HEADER_BYTES } from './frames.js';
import { LogBackloggedError, LogDamagedError } from './log-errors.js';
import { testEntry } from './test-entries.js';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'boxoffice-file-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SMALL: FileLogOptions = { durability: 'process', maxBytes: 1 << 30, segmentBytes: 2048 };

function segments(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.seg'))
    .sort()
    .map((name) => join(dir, name));
}

async function readAll(log: FileLog, group: string): Promise<string[]> {
  const consumer = log.consumer(group, 'm');
  const ids: string[] = [];
  for (;;) {
    const records = await consumer.readNew(100);
    if (records.length === 0) return ids;
    ids.push(...records.map((r) => subjectIdOf(r.entry)));
  }
}

const ids = (entries: readonly LogEntry[]) => entries.map((e) => subjectIdOf(e));

describe('CRC32C', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
  });
});

describe('FileLog', () => {
  it('keeps every appended batch across a restart, over several segments', async () => {
    const dir = freshDir();
    const log = FileLog.open(dir, SMALL);
    const batches = Array.from({ length: 30 }, (_, b) => [0, 1, 2].map((i) => testEntry(b * 3 + i)));
    for (const batch of batches) await log.append(batch);
    await log.close();
    expect(segments(dir).length).toBeGreaterThan(1);
    const reopened = FileLog.open(dir, SMALL);
    expect(await readAll(reopened, 'g')).toEqual(ids(batches.flat()));
    expect(reopened.tailCut).toBeUndefined();
    await reopened.close();
  });

  it('cuts a torn tail at start and reports where', async () => {
    const dir = freshDir();
    const log = FileLog.open(dir, SMALL);
    await log.append([testEntry(1)]);
    await log.append([testEntry(2), testEntry(3)]);
    await log.close();
    const [segment] = segments(dir) as [string];
    const size = statSync(segment).size;
    truncateSync(segment, size - 5);
    const reopened = FileLog.open(dir, SMALL);
    expect(await readAll(reopened, 'g')).toEqual(['h.e1.1']);
    const cut = reopened.tailCut;
    expect(cut?.segment).toBe(segment);
    expect(cut?.bytes).toBeGreaterThan(0);
    // The cut is made on disk: appends go on after the last intact frame.
    await reopened.append([testEntry(4)]);
    await reopened.close();
    const again = FileLog.open(dir, SMALL);
    expect(again.tailCut).toBeUndefined();
    expect(await readAll(again, 'g')).toEqual(['h.e1.1', 'h.e1.4']);
    await again.close();
  });

  it('refuses to open on a damaged record in the middle, naming the segment and the byte offset', async () => {
    const dir = freshDir();
    const log = FileLog.open(dir, SMALL);
    await log.append([testEntry(1)]);
    const second = statSync(segments(dir)[0] as string).size;
    await log.append([testEntry(2)]);
    await log.append([testEntry(3)]);
    await log.close();
    const [segment] = segments(dir) as [string];
    const bytes = readFileSync(segment);
    const at = second + FRAME_HEADER_BYTES + 3;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(segment, bytes);
    let refusal: unknown;
    try {
      FileLog.open(dir, SMALL);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(LogDamagedError);
    const damaged = refusal as LogDamagedError;
    expect(damaged.code).toBe('log_damaged');
    expect(damaged.segment).toBe(segment);
    expect(damaged.offset).toBe(second);
    expect(damaged.message).toContain(`${segment} is damaged at byte ${second}`);
    // Nothing was cut.
    expect(readFileSync(segment).length).toBe(bytes.length);
  });

  it('refuses a damaged end of a segment that is not the last one', async () => {
    const dir = freshDir();
    const log = FileLog.open(dir, SMALL);
    for (let n = 0; n < 40; n++) await log.append([testEntry(n)]);
    await log.close();
    const first = segments(dir)[0] as string;
    truncateSync(first, statSync(first).size - 3);
    expect(() => FileLog.open(dir, SMALL)).toThrow(LogDamagedError);
  });

  it('stores group positions, and deletes segments every group has acknowledged', async () => {
    const dir = freshDir();
    const log = FileLog.open(dir, SMALL);
    for (let n = 0; n < 60; n++) await log.append([testEntry(n)]);
    const consumer = log.consumer(PROJECTION_GROUP, 'm');
    const records = await consumer.readNew(45);
    await consumer.acknowledge(records);
    const before = segments(dir).length;
    const removed = await log.trim();
    expect(removed).toBeGreaterThan(0);
    expect(segments(dir).length).toBeLessThan(before);
    await log.close();
    const reopened = FileLog.open(dir, SMALL);
    const next = await reopened.consumer(PROJECTION_GROUP, 'm').readNew(100);
    expect(next.map((r) => subjectIdOf(r.entry))).toEqual(
      Array.from({ length: 15 }, (_, i) => `h.e${(45 + i) % 3}.${45 + i}`),
    );
    await reopened.close();
  });

  it('keeps in memory only what some group has not acknowledged; the rest is read back from disk', async () => {
    const dir = freshDir();
    const log = FileLog.open(dir, { durability: 'process', maxBytes: 1 << 30, segmentBytes: 1 << 20 });
    for (let n = 0; n < 30; n++) await log.append([testEntry(n)]);
    const fast = log.consumer(PROJECTION_GROUP, 'm');
    const slow = log.consumer('webhooks', 'm');
    await fast.acknowledge(await fast.readNew(100));
    await slow.acknowledge(await slow.readNew(10));
    await log.trim();
    expect(log.entriesInMemory()).toBe(20);
    await slow.acknowledge(await slow.readNew(100));
    await log.trim();
    expect(log.entriesInMemory()).toBe(0);
    // Nothing was deleted from disk (one segment): a group that starts now reads it all back.
    expect(await readAll(log, 'late')).toEqual(Array.from({ length: 30 }, (_, n) => `h.e${n % 3}.${n}`));
    await log.append([testEntry(30)]);
    expect(subjectIdOf((await fast.readNew(10))[0]?.entry as LogEntry)).toBe('h.e0.30');
    await log.close();
  });

  it('keeps at most memoryEntries in memory; a consumer that fell behind reads the rest from disk, in order', async () => {
    const dir = freshDir();
    const options: FileLogOptions = { ...SMALL, memoryEntries: 10 };
    const log = FileLog.open(dir, options);
    const behind = log.consumer(PROJECTION_GROUP, 'm');
    const all = Array.from({ length: 95 }, (_, n) => testEntry(n));
    for (let n = 0; n < all.length; n += 5) await log.append(all.slice(n, n + 5));
    expect(log.entriesInMemory()).toBeLessThanOrEqual(10);
    // The audit's view of a group far behind: every entry of the event, from disk and from memory alike.
    expect(ids(await log.unacknowledged(PROJECTION_GROUP, 'e1'))).toEqual(
      ids(all.filter((e) => e.eventId === 'e1')),
    );
    const first = await behind.readNew(40);
    expect(ids(first.map((r) => r.entry))).toEqual(ids(all.slice(0, 40)));
    await behind.acknowledge(first.slice(0, 30));
    // Ten delivered, unacknowledged and long out of memory: handed out again from disk.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ids((await behind.claimStale(1, 100)).map((r) => r.entry))).toEqual(ids(all.slice(30, 40)));
    expect(await readAll(log, PROJECTION_GROUP)).toEqual(ids(all.slice(40)));
    await log.close();
    // And after a restart, which keeps only the newest in memory too: the group goes on from what it acknowledged.
    const reopened = FileLog.open(dir, options);
    expect(reopened.entriesInMemory()).toBeLessThanOrEqual(10);
    expect(await readAll(reopened, PROJECTION_GROUP)).toEqual(ids(all.slice(30)));
    await reopened.close();
  });

  it('writes positions at most once a second, unless a segment can go or the log closes', async () => {
    const dir = freshDir();
    let now = 1_000_000;
    const log = FileLog.open(dir, { ...SMALL, clock: () => now });
    const consumer = log.consumer(PROJECTION_GROUP, 'm');
    const position = () => JSON.parse(readFileSync(join(dir, `${PROJECTION_GROUP}.group`), 'utf8')).acked;
    await log.append([testEntry(0)]);
    await consumer.acknowledge(await consumer.readNew(10));
    await log.trim();
    expect(position()).toBe(1);
    await log.append([testEntry(1)]);
    await consumer.acknowledge(await consumer.readNew(10));
    await log.trim();
    expect(position()).toBe(1); // within the second: not rewritten
    now += 1000;
    await log.trim();
    expect(position()).toBe(2);
    // Enough for a second segment: the first can go once acknowledged, so the position is written at once.
    let n = 2;
    while (segments(dir).length < 3) await log.append([testEntry(n++)]);
    await consumer.acknowledge(await consumer.readNew(1000));
    expect(await log.trim()).toBeGreaterThan(0);
    expect(position()).toBe(n);
    await log.append([testEntry(n++)]);
    await consumer.acknowledge(await consumer.readNew(10));
    await log.trim();
    expect(position()).toBe(n - 1);
    await log.close();
    expect(position()).toBe(n);
  });

  it('holds an append back while the log is at its bound, until projection frees room', async () => {
    const dir = freshDir();
    const log = FileLog.open(dir, { durability: 'process', maxBytes: 4096, segmentBytes: 1024 });
    const consumer = log.consumer(PROJECTION_GROUP, 'm');
    let n = 0;
    while (log.diskBytes() < 4096 - 300) await log.append([testEntry(n++)]);
    let done = false;
    const blocked = log.append([testEntry(n++), testEntry(n++)]).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    await consumer.acknowledge(await consumer.readNew(1000));
    await log.trim();
    await blocked;
    expect(log.diskBytes()).toBeLessThanOrEqual(4096);
    await log.close();
    const reopened = FileLog.open(dir, { durability: 'process', maxBytes: 4096, segmentBytes: 1024 });
    expect((await reopened.consumer(PROJECTION_GROUP, 'm').readNew(100)).length).toBe(2);
    await reopened.close();
  });

  it('fails an append that waited longer than its bound for room', async () => {
    const dir = freshDir();
    const options = {
      durability: 'process',
      maxBytes: 2048,
      segmentBytes: 512,
      backpressureWaitMs: 20,
    } as const;
    const log = FileLog.open(dir, options);
    log.consumer(PROJECTION_GROUP, 'm');
    let n = 0;
    while (log.diskBytes() < 2048 - 300) await log.append([testEntry(n++)]);
    await expect(log.append([testEntry(n++), testEntry(n++)])).rejects.toBeInstanceOf(LogBackloggedError);
    // The log goes on: nothing partial was written.
    await log.close();
    const reopened = FileLog.open(dir, options);
    expect(reopened.tailCut).toBeUndefined();
    expect((await readAll(reopened, PROJECTION_GROUP)).length).toBe(n - 2);
    await reopened.close();
  });

  it('appends with power durability too', async () => {
    const dir = freshDir();
    const log = FileLog.open(dir, { ...SMALL, durability: 'power' });
    for (let n = 0; n < 30; n++) await log.append([testEntry(n)]);
    await log.close();
    const reopened = FileLog.open(dir, SMALL);
    expect((await readAll(reopened, 'g')).length).toBe(30);
    await reopened.close();
  });
});

describe('FileLog after a crash (property)', () => {
  // A process crash can only tear the batch being written: those before it were written (in process
  // durability, the page cache has them). So: append acknowledged batches, start one more, cut the file
  // anywhere inside it or add garbage after it, restart.
  const scenario = fc.record({
    batchSizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 25 }),
    tornSize: fc.integer({ min: 1, max: 6 }),
    cutAt: fc.double({ min: 0, max: 1, noNaN: true }),
    garbage: fc.uint8Array({ minLength: 0, maxLength: 40 }),
    projected: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('every acknowledged batch is there after restart, and nothing after a torn write is invented', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ batchSizes, tornSize, cutAt, garbage, projected }) => {
        const dir = freshDir();
        const log = FileLog.open(dir, SMALL);
        let n = 0;
        const acknowledged: LogEntry[] = [];
        for (const size of batchSizes) {
          const batch = Array.from({ length: size }, () => testEntry(n++));
          await log.append(batch);
          acknowledged.push(...batch);
        }
        // Some of it was projected (acknowledged by the group, positions written, segments deleted).
        const consumer = log.consumer(PROJECTION_GROUP, 'm');
        const done = await consumer.readNew(Math.floor(projected * acknowledged.length));
        await consumer.acknowledge(done);
        await log.trim();
        const segment = segments(dir).at(-1) as string;
        const sizeBefore = statSync(segment).size;
        const torn = Array.from({ length: tornSize }, () => testEntry(n++));
        await log.append(torn);
        await log.close();
        const written = segments(dir).at(-1) as string;
        const whole = readFileSync(written);
        const full = whole.length;
        const start = written === segment ? sizeBefore : 0;
        const cut = start + Math.floor(cutAt * (full - start));
        truncateSync(written, cut);
        if (cut < full && garbage.length > 0) writeFileSync(written, garbage, { flag: 'a' });
        // Garbage may be the very bytes that were cut (a frame ending in `]` cut by one byte, then `]`
        // appended): the batch is then whole on disk and must be read, as any complete frame.
        const damaged = readFileSync(written);
        const complete = damaged.length >= full && damaged.subarray(0, full).equals(whole);

        const reopened = FileLog.open(dir, SMALL);
        const seen = await readAll(reopened, PROJECTION_GROUP);
        const expected = ids(complete ? [...acknowledged, ...torn] : acknowledged);
        // Everything not projected is delivered again, in order, and nothing else.
        expect(seen).toEqual(expected.slice(expected.length - seen.length));
        expect(seen.length).toBeGreaterThanOrEqual(expected.length - done.length);
        await reopened.close();
      }),
      {
        numRuns: 60,
        // Found by a CI run: the one byte cut off the batch's frame, appended back as "garbage".
        examples: [
          [
            {
              batchSizes: [],
              tornSize: 1,
              cutAt: 0.9954954954954955,
              garbage: Uint8Array.from([93]),
              projected: 0,
            },
          ],
        ],
      },
    );
  });
});
