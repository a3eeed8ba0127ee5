// `npm start` runs this first: it builds only when dist/ is missing or older than what it is built from,
// so starting an already built tree costs the start of Node alone, not a TypeScript compile.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** tsc rewrites every output on each build, so this file's time is the time of the last build. */
const BUILT_MARKER = 'dist/cli/main.js';
/** What the build reads: a change to any of these makes dist/ stale. */
const SOURCES = [
  'src',
  'tools',
  'scripts/copy-assets.mjs',
  'scripts/place-tools.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'tsconfig.tools.json',
  'package.json',
];

function newestChange(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

const built = statSync(BUILT_MARKER, { throwIfNoEntry: false });
const sourcesChangedAt = Math.max(...SOURCES.map(newestChange));
if (built === undefined || built.mtimeMs < sourcesChangedAt) {
  process.stderr.write(built === undefined ? 'dist/ missing: building\n' : 'sources changed: rebuilding\n');
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}
