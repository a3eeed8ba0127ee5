// `npm start` builds only when it must: scripts/build-if-stale.mjs in a scratch project whose "build" just
// records that it ran. No dist/ → build; dist/ newer than src/ → no build; a source changed after → build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/build-if-stale.mjs');

describe('npm start: build only when stale', () => {
  const project = mkdtempSync(join(tmpdir(), 'boxoffice-stale-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  const built = join(project, 'built');
  const main = join(project, 'dist/cli/main.js');
  const source = join(project, 'src/a.ts');
  const startBuilds = () => {
    rmSync(built, { force: true });
    execFileSync(process.execPath, [SCRIPT], { cwd: project, stdio: 'pipe' });
    return existsSync(built);
  };
  const setTime = (path: string, secondsAgo: number) => {
    const at = Date.now() / 1000 - secondsAgo;
    utimesSync(path, at, at);
  };

  it('builds a tree without dist/, not a built one, and again after a source changes', () => {
    const buildScript = "node -e \"require('fs').writeFileSync('built', '')\"";
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'scratch', scripts: { build: buildScript } }),
    );
    mkdirSync(join(project, 'src'));
    writeFileSync(source, 'export {};\n');
    for (const path of [join(project, 'package.json'), source, join(project, 'src')]) setTime(path, 100);
    expect(startBuilds()).toBe(true);

    mkdirSync(join(project, 'dist/cli'), { recursive: true });
    writeFileSync(main, '');
    setTime(main, 50);
    expect(startBuilds()).toBe(false);

    setTime(source, 10);
    expect(startBuilds()).toBe(true);
  });
});
