// Shell blocks of README.md that a marker line (`<!-- name -->`) puts in a group, in the order written, so a
// test runs exactly what a reader pastes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function readmeBlocks(marker: string): string[] {
  const readme = readFileSync(resolve('README.md'), 'utf8');
  const pattern = new RegExp(`<!-- ${marker} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``, 'g');
  return [...readme.matchAll(pattern)].map((match) => match[1] ?? '');
}
