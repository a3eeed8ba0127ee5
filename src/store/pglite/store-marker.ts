// What a data directory holds, decided before PGlite sees it. PGlite runs initdb on any directory without
// PG_VERSION, on top of whatever files are there: a store that lost that one file would come back empty and
// sell every seat again. So boxoffice writes its own marker when it creates a store, and a directory that
// has the marker, or any files at all, but no PG_VERSION is refused untouched.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_KEY_FILE as WEBHOOKS_KEY_FILE } from '../../webhooks/secret-box.js';
import { StoreDamagedError, whatToDo } from '../integrity/store-damaged.js';

export const STORE_MARKER_FILE = 'boxoffice-store.json';
/** Bumped when the layout of a data directory changes in a way an older boxoffice must not open. */
const STORE_FORMAT = 1;
/** Files boxoffice itself puts in the directory; they alone do not make it a store. */
const OWN_FILES = new Set(['boxoffice.lock', STORE_MARKER_FILE, 'queue-secret', WEBHOOKS_KEY_FILE]);

interface StoreMarker {
  readonly format: number;
  readonly createdAt: string;
}

/**
 * Makes sure dataDir is a directory this process can use (creating it when create is true), or says in
 * one line why not: a path that is a file, or one the process may not write, is an operator's mistake.
 */
export function prepareDataDir(dataDir: string, create: boolean): void {
  try {
    if (create) mkdirSync(dataDir, { recursive: true });
    if (!statSync(dataDir).isDirectory())
      throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'it is a file, not a directory'
        : code === 'ENOENT'
          ? 'it does not exist'
          : code === 'EACCES' || code === 'EPERM'
            ? 'this process may not write there'
            : (error as Error).message;
    throw new StoreDamagedError(
      `The data directory ${dataDir} cannot be used: ${why}. Set BOXOFFICE_DATA_DIR (or --data-dir) to a directory of the store.`,
    );
  }
}

/** 'new': empty or absent, PGlite may create a store; 'existing': a store to open. Throws otherwise. */
export function inspectDataDir(dataDir: string): 'new' | 'existing' {
  const names = existsSync(dataDir) ? readdirSync(dataDir) : [];
  const marker = readMarker(dataDir, names);
  if (names.includes('PG_VERSION')) {
    if (marker !== undefined && marker.format > STORE_FORMAT) {
      throw new StoreDamagedError(
        `The store in ${dataDir} has format ${marker.format}, newer than this boxoffice knows (${STORE_FORMAT}); run the boxoffice that wrote it.`,
      );
    }
    return 'existing';
  }
  if (marker !== undefined) {
    throw new StoreDamagedError(
      `The store in ${dataDir} (created ${marker.createdAt}) has lost its PostgreSQL files (PG_VERSION is missing), so it was not opened. ${whatToDo(dataDir)}`,
    );
  }
  const foreign = names.filter((name) => !OWN_FILES.has(name));
  if (foreign.length > 0) {
    throw new StoreDamagedError(
      `The data directory ${dataDir} is not empty but holds no store (PG_VERSION is missing; found ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}), so no store was created on top of it. Restore it from a backup, or set BOXOFFICE_DATA_DIR to an empty directory for a new store.`,
    );
  }
  return 'new';
}

/** Written right after PGlite created the store, so that its files can never be mistaken for nothing. */
export function writeMarker(dataDir: string, nowMs: number): void {
  const marker: StoreMarker = { format: STORE_FORMAT, createdAt: new Date(nowMs).toISOString() };
  writeFileSync(join(dataDir, STORE_MARKER_FILE), `${JSON.stringify(marker)}\n`, { flag: 'wx' });
}

/** Adopts a store made before the marker existed, once it has opened and passed its check. */
export function ensureMarker(dataDir: string, nowMs: number): void {
  if (!existsSync(join(dataDir, STORE_MARKER_FILE))) writeMarker(dataDir, nowMs);
}

function readMarker(dataDir: string, names: readonly string[]): StoreMarker | undefined {
  if (!names.includes(STORE_MARKER_FILE)) return undefined;
  const path = join(dataDir, STORE_MARKER_FILE);
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoreMarker>;
    if (typeof marker.format === 'number' && typeof marker.createdAt === 'string')
      return marker as StoreMarker;
  } catch {
    // Unreadable: still a sign that a store was here, reported below as a damaged marker.
  }
  // A damaged marker still says a store was created here.
  return { format: STORE_FORMAT, createdAt: 'at an unknown time (its marker is unreadable)' };
}
