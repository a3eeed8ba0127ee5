import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreDamagedError } from '../integrity/store-damaged.js';
import { ensureMarker, inspectDataDir, STORE_MARKER_FILE, writeMarker } from './store-marker.js';

describe('what a data directory holds, before PGlite sees it', () => {
  const root = mkdtempSync(join(tmpdir(), 'boxoffice-marker-'));
  let count = 0;
  const dir = (...files: string[]) => {
    const path = join(root, `d${++count}`);
    mkdirSync(path);
    for (const file of files) writeFileSync(join(path, file), 'x');
    return path;
  };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lets PGlite create a store in an absent, empty or only-locked directory', () => {
    expect(inspectDataDir(join(root, 'absent'))).toBe('new');
    expect(inspectDataDir(dir())).toBe('new');
    expect(inspectDataDir(dir('boxoffice.lock'))).toBe('new');
  });

  it('opens a directory with PG_VERSION, marked or from before the marker', () => {
    expect(inspectDataDir(dir('PG_VERSION'))).toBe('existing');
    const marked = dir('PG_VERSION');
    writeMarker(marked, 0);
    expect(inspectDataDir(marked)).toBe('existing');
  });

  it('refuses files without PG_VERSION, naming the directory and what to do', () => {
    const foreign = dir('base', 'global', 'notes.txt');
    expect(() => inspectDataDir(foreign)).toThrow(StoreDamagedError);
    expect(() => inspectDataDir(foreign)).toThrow(/PG_VERSION is missing.*Restore it from a backup/);
    expect(() => inspectDataDir(foreign)).toThrow(foreign);
  });

  it('refuses a marked directory that lost its PostgreSQL files, even when nothing else is left', () => {
    const marked = dir();
    writeMarker(marked, Date.UTC(2026, 0, 2));
    expect(() => inspectDataDir(marked)).toThrow(/created 2026-01-02.*lost its PostgreSQL files/);
    const unreadable = dir(STORE_MARKER_FILE);
    expect(() => inspectDataDir(unreadable)).toThrow(/its marker is unreadable/);
  });

  it('refuses a store of a newer format', () => {
    const newer = dir('PG_VERSION');
    writeFileSync(join(newer, STORE_MARKER_FILE), JSON.stringify({ format: 99, createdAt: 'x' }));
    expect(() => inspectDataDir(newer)).toThrow(/format 99/);
  });

  it('adopts an unmarked store once, keeping an existing marker', () => {
    const legacy = dir('PG_VERSION');
    ensureMarker(legacy, 0);
    const first = readFileSync(join(legacy, STORE_MARKER_FILE), 'utf8');
    ensureMarker(legacy, 1);
    expect(readFileSync(join(legacy, STORE_MARKER_FILE), 'utf8')).toBe(first);
  });
});
