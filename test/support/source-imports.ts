// What a source file of src/ imports, for the tests that hold import boundaries (src/log/boundaries.test.ts,
// src/http/boundaries.unit.test.ts, test/harness/tools-boundary.unit.test.ts). Every static, type-only, side-effect and dynamic import is seen.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const SRC = resolve(import.meta.dirname, '..', '..', 'src');

export function sourceFiles(directory: string = SRC): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((item) => {
    const path = join(directory, item.name);
    if (item.isDirectory()) return sourceFiles(path);
    return item.name.endsWith('.ts') ? [path] : [];
  });
}

/** The src/-relative paths a file imports (relative specifiers only; packages are not parts). */
export function importsOf(file: string, text: string = readFileSync(file, 'utf8')): string[] {
  const specifiers = [
    ...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
  ].map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(SRC, resolve(dirname(file), specifier)));
}

/** Whether a src/-relative path is the folder given, or inside it. */
export const within = (path: string, folder: string): boolean =>
  path === folder || path.startsWith(`${folder}/`);
