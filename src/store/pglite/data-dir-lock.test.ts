import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError } from './data-dir-lock.js';

describe('data directory lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'boxoffice-lock-'));
  const lock = join(dir, 'boxoffice.lock');
  afterEach(() => rmSync(lock, { force: true }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a free directory and gives it back', () => {
    const release = acquireDataDirLock(dir);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    release();
    expect(() => readFileSync(lock)).toThrow();
  });

  it('refuses a directory owned by another live process', () => {
    writeFileSync(lock, String(process.ppid));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.ppid));
  });

  it('takes over the lock of a process that is gone', () => {
    writeFileSync(lock, '2147483646');
    acquireDataDirLock(dir)();
  });
});
