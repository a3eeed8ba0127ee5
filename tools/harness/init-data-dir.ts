// Creates and migrates a PGlite data dir in a short-lived process of its own:
//   node dist/tools/harness/init-data-dir.js <dataDir>
// initdb grows PGlite's WebAssembly memory to ~600 MiB, and WebAssembly memory never shrinks, so a server
// that created its own data dir shows ~500 MiB more RSS than the same server restarted on it. The bench
// measures the restarted kind, which is what a production server is for all but its first start.
import { createMigratedDataDir } from './migrated-data-dir.js';

const dataDir = process.argv[2];
if (dataDir === undefined || dataDir === '') {
  process.stderr.write('usage: node dist/tools/harness/init-data-dir.js <dataDir>\n');
  process.exitCode = 2;
} else {
  createMigratedDataDir(dataDir).catch((error: unknown) => {
    process.stderr.write(`init-data-dir: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
