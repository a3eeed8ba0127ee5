// BOXOFFICE_PROJECTION_NICE: the embedded projection thread lowers its own scheduling priority, and only its
// own (the requests' thread keeps its priority). Read back from /proc, as the kernel sees each thread.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ProjectionThread } from '../../src/projector/embedded/projection-thread.js';
import { freshDataDir } from '../support/embedded.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The niceness of every thread of this process (field 19 of /proc/self/task/<tid>/stat). */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[16]);
  });
}

async function openThread(nice?: number): Promise<void> {
  const { dataDir, remove } = freshDataDir();
  cleanups.push(remove);
  const thread = await ProjectionThread.open({ dataDir, nice });
  cleanups.push(() => thread.close());
}

describe.runIf(process.platform === 'linux')('the projection thread’s niceness', () => {
  it('is 0 unless set, and the setting takes 0 to 19', () => {
    expect(loadConfig({}).projectionNice).toBe(0);
    expect(loadConfig({ BOXOFFICE_PROJECTION_NICE: '19' }).projectionNice).toBe(19);
    expect(() => loadConfig({ BOXOFFICE_PROJECTION_NICE: '20' })).toThrow(/BOXOFFICE_PROJECTION_NICE/);
  });

  it('leaves every thread at its priority by default', async () => {
    const before = threadNiceness().filter((nice) => nice !== 0).length;
    await openThread();
    expect(threadNiceness().filter((nice) => nice !== 0).length).toBe(before);
  });

  it('lowers the projection thread alone when set', async () => {
    const before = threadNiceness().filter((nice) => nice === 7).length;
    await openThread(7);
    const after = threadNiceness();
    expect(after.filter((nice) => nice === 7).length).toBe(before + 1);
    expect(after.filter((nice) => nice === 0).length).toBeGreaterThan(0);
  });
});
