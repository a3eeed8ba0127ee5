import { describe, expect, it } from 'vitest';
import { COMMIT_BATCH_ENTRIES_MAX } from '../domain/limits.js';
import type { HoldEntry, LogEntry } from '../domain/log-entry.js';
import { GroupCommit } from './group-commit.js';

/** The hold of an entry (these tests log hold entries only). */
const idOf = (entry: LogEntry): string => (entry as HoldEntry).hold.id;

function entry(n: number): LogEntry {
  const hold = {
    id: `h.e.${n}`,
    eventId: 'e',
    userId: 'u',
    status: 'held' as const,
    items: [],
    total: 0,
    createdAtMs: 0,
    expiresAtMs: 1,
  };
  return { type: 'hold_placed', eventId: 'e', atMs: 0, hold };
}

/** A write that records its batches and can be held open or made to fail. */
function recorder() {
  const batches: string[][] = [];
  let failNext = false;
  let gate: Promise<void> | undefined;
  let open: () => void = () => {};
  return {
    batches,
    failNext() {
      failNext = true;
    },
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => open(),
    async write(entries: readonly LogEntry[]) {
      batches.push(entries.map((e) => idOf(e)));
      if (gate) await gate;
      gate = undefined;
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
    },
  };
}

describe('GroupCommit', () => {
  it('writes everything appended in one turn of the event loop as one batch', async () => {
    const rec = recorder();
    const journal = new GroupCommit((entries) => rec.write(entries));
    await Promise.all([1, 2, 3].map((n) => journal.append([entry(n)], () => {})));
    expect(rec.batches).toEqual([['h.e.1', 'h.e.2', 'h.e.3']]);
  });

  it('flushes again as soon as a flush ends: what arrived meanwhile is the next batch', async () => {
    const rec = recorder();
    const journal = new GroupCommit((entries) => rec.write(entries));
    rec.hold();
    const first = journal.append([entry(1)], () => {});
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3].map((n) => journal.append([entry(n)], () => {}));
    expect(journal.pending().map((e) => idOf(e))).toEqual(['h.e.1', 'h.e.2', 'h.e.3']);
    rec.release();
    await Promise.all([first, ...later]);
    expect(rec.batches).toEqual([['h.e.1'], ['h.e.2', 'h.e.3']]);
    expect(journal.pending()).toEqual([]);
  });

  it('caps a batch at COMMIT_BATCH_ENTRIES_MAX entries', async () => {
    const rec = recorder();
    const journal = new GroupCommit((entries) => rec.write(entries));
    const appends = Array.from({ length: COMMIT_BATCH_ENTRIES_MAX + 5 }, (_, n) =>
      journal.append([entry(n)], () => {}),
    );
    await Promise.all(appends);
    expect(rec.batches.map((batch) => batch.length)).toEqual([COMMIT_BATCH_ENTRIES_MAX, 5]);
  });

  it('on a failed commit undoes the batch and everything queued after it, newest first, and rejects them all', async () => {
    const rec = recorder();
    const undone: string[] = [];
    const journal = new GroupCommit((entries) => rec.write(entries));
    const undo = (entries: readonly LogEntry[]) => {
      for (const e of entries) undone.push(idOf(e));
    };
    await journal.append([entry(0)], undo);
    rec.hold();
    rec.failNext();
    const failing = journal.append([entry(1), entry(2)], undo);
    await new Promise((resolve) => setImmediate(resolve));
    const queued = journal.append([entry(3)], undo);
    const synced = journal.sync();
    rec.release();
    const results = await Promise.allSettled([failing, queued, synced]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(undone).toEqual(['h.e.3', 'h.e.2', 'h.e.1']);
    // The journal goes on after a failure.
    await journal.append([entry(4)], undo);
    expect(rec.batches.at(-1)).toEqual(['h.e.4']);
  });

  it('sync waits for everything appended before it', async () => {
    const rec = recorder();
    const journal = new GroupCommit((entries) => rec.write(entries));
    await journal.sync();
    rec.hold();
    let durable = false;
    void journal
      .append([entry(1)], () => {})
      .then(() => {
        durable = true;
      });
    const synced = journal.sync().then(() => durable);
    await new Promise((resolve) => setImmediate(resolve));
    rec.release();
    expect(await synced).toBe(true);
  });

  it('quiesce runs work while no batch is written', async () => {
    const rec = recorder();
    const journal = new GroupCommit((entries) => rec.write(entries));
    let writesDuringWork = -1;
    const work = journal.quiesce(async () => {
      const before = rec.batches.length;
      void journal.append([entry(1)], () => {});
      await new Promise((resolve) => setTimeout(resolve, 20));
      writesDuringWork = rec.batches.length - before;
      return journal.pending().length;
    });
    expect(await work).toBe(1);
    expect(writesDuringWork).toBe(0);
    await journal.sync();
    expect(rec.batches).toEqual([['h.e.1']]);
  });
});
