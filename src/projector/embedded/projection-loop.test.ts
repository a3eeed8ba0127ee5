import { describe, expect, it } from 'vitest';
import { type LogEntry, subjectIdOf } from '../../domain/log-entry.js';
import { testEntry } from '../../log/file/test-entries.js';
import { PROJECTION_GROUP } from '../../log/log.js';
import { MemoryLog } from '../../log/memory/memory-log.js';
import { ProjectionBehindError, ProjectionLoop } from './projection-loop.js';

/** A store whose appendEntries waits while `held`, and records what it was given. */
function gatedStore() {
  const applied: string[] = [];
  let open: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  return {
    applied,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => open(),
    async appendEntries(entries: readonly LogEntry[]) {
      await gate;
      applied.push(...entries.map((e) => subjectIdOf(e)));
      return {};
    },
  };
}

describe('ProjectionLoop', () => {
  it('replays the unprojected tail, then projects each durable batch and acknowledges it', async () => {
    const log = new MemoryLog();
    const store = gatedStore();
    const loop = new ProjectionLoop(log, store as never);
    await log.append([testEntry(1), testEntry(2)]);
    expect(await loop.replay()).toBe(2);
    loop.start();
    const batch = [testEntry(3)];
    await log.append(batch);
    loop.announce(batch);
    await loop.caughtUp(5_000);
    expect(store.applied).toEqual(['h.e1.1', 'h.e2.2', 'h.e0.3']);
    expect(await log.positions()).toEqual([{ group: PROJECTION_GROUP, pending: 0, lag: 0 }]);
    await loop.stop();
  });

  it('caughtUp waits for what was durable when asked, and fails past its bound', async () => {
    const log = new MemoryLog();
    const store = gatedStore();
    const loop = new ProjectionLoop(log, store as never);
    await loop.replay();
    loop.start();
    store.hold();
    const batch = [testEntry(1)];
    await log.append(batch);
    loop.announce(batch);
    await expect(loop.caughtUp(20)).rejects.toBeInstanceOf(ProjectionBehindError);
    let caught = false;
    const waiting = loop.caughtUp(5_000).then(() => {
      caught = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(caught).toBe(false);
    expect(loop.lag()).toBe(1);
    store.release();
    await waiting;
    expect(store.applied).toEqual(['h.e1.1']);
    await loop.stop();
  });
});
