// The embedded waiting room's admissions and the group commit: a step answers once its admissions are in the
// log, and a commit that fails takes them back, so the buyers wait at the head again and are admitted (and
// logged) once by a later step.
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../domain/log-entry.js';
import { GroupCommit } from '../../journal/group-commit.js';
import { PROJECTION_GROUP } from '../../log/log.js';
import { MemoryLog } from '../../log/memory/memory-log.js';
import type { QueueSettings } from '../waiting-room.js';
import { MemoryWaitingRoom } from './memory-waiting-room.js';

const T0 = 1_900_000_000_000;
const START = T0 + 60_000;
const SETTINGS: QueueSettings = {
  opensAtMs: T0,
  salesStartAtMs: START,
  admitPerMinute: 120,
  passMinutes: 10,
  maxActive: 10,
  paused: false,
};
const PLENTY = { available: 100, held: 0, salesOpen: true };
const ABANDON_MS = 3_600_000;

describe('memory waiting room admissions', () => {
  it('logs admissions before the step answers, and a failed commit puts the buyers back at the head', async () => {
    const log = new MemoryLog();
    let failNext = false;
    const journal = new GroupCommit(async (entries: readonly LogEntry[]) => {
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      await log.append(entries);
    });
    const room = new MemoryWaitingRoom(journal);
    await room.configure('ev', SETTINGS);
    for (const [i, buyer] of ['a', 'b', 'c'].entries()) await room.join('ev', buyer, i / 3, T0 + i);

    // 1 s at 120 a minute: two admissions, a and b; their commit fails.
    failNext = true;
    await expect(room.admit('ev', PLENTY, ABANDON_MS, START + 1_000)).rejects.toThrow('disk full');
    const back = await room.standings('ev', ['a', 'b', 'c'], START + 1_001);
    expect(back.map((s) => [s?.state, s?.position])).toEqual([
      ['waiting', 1],
      ['waiting', 2],
      ['waiting', 3],
    ]);
    expect(await log.unacknowledged(PROJECTION_GROUP, 'ev')).toEqual([]);

    // The credit they took is given back: the next step admits them again, in their order.
    const step = await room.admit('ev', PLENTY, ABANDON_MS, START + 1_500);
    expect(step?.admitted.map((a) => a.buyerId)).toEqual(['a', 'b', 'c']);
    expect(step).toMatchObject({ active: 3, waiting: 0, admittedInWindow: 3 });
    const logged = await log.unacknowledged(PROJECTION_GROUP, 'ev');
    expect(logged).toEqual(
      ['a', 'b', 'c'].map((userId, i) => ({
        type: 'queue_admitted',
        eventId: 'ev',
        atMs: START + 1_500,
        userId,
        joinedAtMs: T0 + i,
        passExpiresAtMs: START + 1_500 + 10 * 60_000,
      })),
    );
  });
});
