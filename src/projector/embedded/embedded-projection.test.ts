import { describe, expect, it } from 'vitest';
import { type LogEntry, subjectIdOf } from '../../domain/log-entry.js';
import { testEntry } from '../../log/file/test-entries.js';
import { PROJECTION_GROUP } from '../../log/log.js';
import { MemoryLog } from '../../log/memory/memory-log.js';
import { EmbeddedProjection, ProjectionBehindError } from './embedded-projection.js';

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
    ping: async () => {},
  };
}

/** A store that refuses entries of the subjects in `poison` (as a constraint would) until told otherwise. */
function refusingStore(poison: Set<string>, answers: { ping: boolean }) {
  const applied: string[] = [];
  return {
    applied,
    async appendEntries(entries: readonly LogEntry[]) {
      const bad = entries.find((e) => poison.has(subjectIdOf(e)));
      if (bad !== undefined) throw Object.assign(new Error(`refused ${subjectIdOf(bad)}`), { code: '23505' });
      applied.push(...entries.map((e) => subjectIdOf(e)));
      return {};
    },
    async ping() {
      if (!answers.ping) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    },
  };
}

describe('EmbeddedProjection', () => {
  it('replays the unprojected tail, then projects each durable batch and acknowledges it', async () => {
    const log = new MemoryLog();
    const store = gatedStore();
    const loop = new EmbeddedProjection(log, store as never);
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
    const loop = new EmbeddedProjection(log, store as never);
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

  it('waits out a store that does not answer: nothing is dead-lettered, and reads wait until it is back', async () => {
    const log = new MemoryLog();
    const poison = new Set(['h.e1.1']);
    const answers = { ping: false };
    const store = refusingStore(poison, answers);
    const loop = new EmbeddedProjection(log, store as never);
    await loop.replay();
    loop.start();
    const batch = [testEntry(1), testEntry(2)];
    await log.append(batch);
    loop.announce(batch);
    await expect(loop.caughtUp(400)).rejects.toBeInstanceOf(ProjectionBehindError);
    expect(log.deadLetters(PROJECTION_GROUP)).toEqual([]);
    poison.clear();
    answers.ping = true;
    await loop.caughtUp(10_000);
    expect(store.applied).toEqual(['h.e1.1', 'h.e2.2']);
    expect(log.deadLetters(PROJECTION_GROUP)).toEqual([]);
    await loop.stop();
  });

  it('isolates an entry the store refuses while it answers: the rest lands, the entry is dead-lettered after its retries', async () => {
    const log = new MemoryLog();
    const store = refusingStore(new Set(['h.e2.2']), { ping: true });
    const loop = new EmbeddedProjection(log, store as never);
    await loop.replay();
    loop.start();
    const batch = [testEntry(1), testEntry(2), testEntry(3)];
    await log.append(batch);
    loop.announce(batch);
    // Five deliveries with backoff in between (0.1 + 0.2 + 0.4 + 0.8 s), then the dead letter.
    await loop.caughtUp(10_000);
    expect(store.applied).toEqual(['h.e1.1', 'h.e0.3']);
    expect(log.deadLetters(PROJECTION_GROUP).map((letter) => letter.error)).toEqual(['refused h.e2.2']);
    expect(await log.positions()).toEqual([{ group: PROJECTION_GROUP, pending: 0, lag: 0 }]);
    expect(loop.lag()).toBe(0);
    await loop.stop();
  });

  it('replay fails when the store does not answer, leaving the tail in the log', async () => {
    const log = new MemoryLog();
    const store = refusingStore(new Set(['h.e1.1']), { ping: false });
    const loop = new EmbeddedProjection(log, store as never);
    await log.append([testEntry(1), testEntry(2)]);
    await expect(loop.replay()).rejects.toThrow('refused h.e1.1');
    expect(await log.unacknowledged(PROJECTION_GROUP, 'e1')).toHaveLength(1);
  });

  it('applies no batch while the audit holds it still (exclusive)', async () => {
    const log = new MemoryLog();
    const store = gatedStore();
    const loop = new EmbeddedProjection(log, store as never);
    await loop.replay();
    loop.start();
    let release: () => void = () => {};
    const held = loop.exclusive(() => new Promise<void>((resolve) => (release = resolve)));
    const batch = [testEntry(1)];
    await log.append(batch);
    loop.announce(batch);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.applied).toEqual([]);
    release();
    await held;
    await loop.caughtUp(5_000);
    expect(store.applied).toEqual(['h.e1.1']);
    await loop.stop();
  });
});
