// The log sits below the parts that use it: the Redis gate appends to it, the projector reads it, and
// neither imports the other (an import cycle between them once spread the log's protocol over both). The
// log imports neither. Checked over every static and dynamic import of src/.
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, SRC, sourceFiles, within } from '../../test/support/source-imports.js';

/** Folder (under src/) → folders it must not import from. */
const FORBIDDEN: Record<string, readonly string[]> = {
  projector: ['gate/redis'],
  'gate/redis': ['projector'],
  log: ['gate', 'projector', 'store', 'http', 'service'],
};

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file);
    if (file === import.meta.filename) continue; // its own examples below are not imports
    const imports = importsOf(file);
    for (const [folder, banned] of Object.entries(FORBIDDEN)) {
      if (!within(from, folder)) continue;
      for (const target of imports)
        if (banned.some((other) => within(target, other))) found.push(`${from} imports ${target}`);
    }
  }
  return found;
}

describe('import boundaries of the log', () => {
  it('no import between gate/redis and projector, and none from the log into its users', () => {
    expect(violations()).toEqual([]);
  });

  it('sees static, type-only and dynamic imports', () => {
    const file = join(SRC, 'projector', 'x.ts');
    const text = [
      "import { a } from '../gate/redis/keys.js';",
      "import type { B } from '../log/log.js';",
      "const c = await import('../cli/main.js');",
      "import './side-effect.js';",
      "import { d } from 'ioredis';",
    ].join('\n');
    expect(importsOf(file, text)).toEqual([
      'gate/redis/keys.js',
      'log/log.js',
      'cli/main.js',
      'projector/side-effect.js',
    ]);
  });
});
