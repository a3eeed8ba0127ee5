// The built command line, for whatever starts boxoffice as a process: the bench, the load tester, the tests.
import { fileURLToPath } from 'node:url';

/**
 * dist/cli/main.js. Built, this module sits in dist/tools/harness/, two levels below dist/; run from its
 * source under vitest it sits in tools/harness/, and the build in dist/ is the one started (`npm run build`).
 */
export function builtCli(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? '../../dist/cli/main.js' : '../../cli/main.js', here));
}
