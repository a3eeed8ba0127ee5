// Runs once per test run: builds a migrated PGlite data dir that suites copy (initdb costs ~3 s each time),
// and checks the build the child-process tests start is there.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/store/migrate.js';
import { PgliteDriver } from '../../src/store/pglite/pglite-driver.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'boxoffice-template-'));
  const dir = join(root, 'data');
  const driver = await PgliteDriver.open(dir);
  await migrate(driver);
  await driver.close();
  project.provide('pgliteTemplate', dir);
  if (!existsSync('dist/cli/main.js')) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it through pretest).');
  }
  return () => rmSync(root, { recursive: true, force: true });
}
