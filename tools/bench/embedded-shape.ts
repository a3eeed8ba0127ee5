// The embedded shape for the bench: one `boxoffice serve` process with PGlite, on a data dir created
// beforehand by a process of its own, as after a restart (see tools/harness/init-data-dir.ts).
import { join } from 'node:path';
import type { ChildEnvironment } from '../harness/child-env.js';
import { Child, freePort, prepareDataDir, waitUntilReady } from '../harness/processes.js';
import type { BenchOptions } from './options.js';
import {
  ADMIN_TOKEN,
  authServeFlags,
  CLI_JS,
  exitProblems,
  profileFlags,
  type ShapeUnderTest,
} from './shape-under-test.js';

export async function startEmbeddedShape(
  options: BenchOptions,
  root: string,
  env: ChildEnvironment,
  log: (line: string) => void,
): Promise<ShapeUnderTest> {
  log('embedded: creating a PGlite data dir, then starting the boxoffice server…');
  const dataDir = join(root, 'embedded-data');
  await prepareDataDir(dataDir, env);
  const port = await freePort();
  const server = new Child(
    'boxoffice server',
    process.execPath,
    [
      ...profileFlags(options.cpuProfileDir, 'boxoffice-server'),
      CLI_JS,
      'serve',
      ...['--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir],
      ...['--admin-token', ADMIN_TOKEN, '--log-level', 'warn', '--durability', options.durability],
      ...['--projection-thread', options.projectionThread],
      ...['--store-cache-mb', String(options.storeCacheMb)],
      ...['--projection-nice', String(options.projectionNice)],
      ...authServeFlags(options.auth),
    ],
    env,
  );
  const serverUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(server, serverUrl);
  return {
    shape: 'embedded',
    description: `embedded: one boxoffice process, memory gate, group commit to the log file (durability ${options.durability}), PGlite projection on the ${options.projectionThread === 'worker' ? 'projection thread' : 'main thread'}`,
    server,
    serverUrl,
    probeOf: () => undefined,
    async stop() {
      await server.stop();
      return exitProblems(server);
    },
  };
}
