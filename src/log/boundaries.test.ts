// The log sits below the parts that use it: the Redis gate appends to it, the projector reads it, and
// neither imports the other (an import cycle between them once spread the log's protocol over both). The
// log imports neither. Checked over every static and dynamic import of src/.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..');

/** Folder (under src/) → folders it must not import from. */
const FORBIDDEN: Record<string, readonly string[]> = {
  projector: ['gate/redis'],
  'gate/redis': ['projector'],
  log: ['gate', 'projector', 'store', 'http', 'service'],
};

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((item) => {
    const path = join(directory, item.name);
    if (item.isDirectory()) return sourceFiles(path);
    return item.name.endsWith('.ts') ? [path] : [];
  });
}

/** The src/-relative paths a file imports (relative specifiers only; packages are not parts). */
function importsOf(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
  ].map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(SRC, resolve(dirname(file), specifier)));
}

const within = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file);
    if (file === import.meta.filename) continue; // its own examples below are not imports
    const imports = importsOf(file, readFileSync(file, 'utf8'));
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
