// The engine (src/) and the tools that measure and load it (tools/) stay apart: tools import the engine, the
// engine imports nothing from tools/. Its one way in is `boxoffice bench`, which loads the built bench by URL,
// so that the engine's build never compiles a tool (tsconfig.build.json has rootDir src).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchEntry } from '../../src/cli/main.js';
import { importsOf, SRC, sourceFiles, within } from '../support/source-imports.js';

const CLI_MAIN = join(SRC, 'cli', 'main.ts');

function engineFilesReachingTools(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file);
    for (const target of importsOf(file))
      if (within(target, '../tools')) found.push(`${from} imports ${target}`);
    // A path built at run time is no import; a string naming tools/ is how one would be built.
    if (file !== CLI_MAIN && /['"`][^'"`\n]*\btools\//.test(readFileSync(file, 'utf8')))
      found.push(`${from} names a path in tools/`);
  }
  return found;
}

describe('the boundary between the engine and its tools', () => {
  it('no file of src/ imports from tools/ or names a path in it, but the CLI for `bench`', () => {
    expect(engineFilesReachingTools()).toEqual([]);
  });

  it('sees an import of tools/ from src/', () => {
    const file = join(SRC, 'cli', 'x.ts');
    expect(importsOf(file, "import { runBench } from '../../tools/bench/bench.js';")).toEqual([
      '../tools/bench/bench.js',
    ]);
  });

  it('the CLI loads tools/bench/bench.js from dist/tools/, and it exports what the CLI calls', async () => {
    const text = readFileSync(CLI_MAIN, 'utf8');
    expect(text).toContain("new URL('../tools/bench/bench.js', import.meta.url)");
    // The same path from src/cli/ one level up is the source of what dist/tools/bench/bench.js is built from.
    const entry: BenchEntry = await import('../../tools/bench/bench.js');
    expect(typeof entry.runBench).toBe('function');
  });
});
