// Set-up of the tiers with services: every child process a test starts (through node:child_process, as the
// support helpers, the suites and Playwright do) is killed if it is still running when this test process
// exits or is signalled (test/support/exit-cleanup.ts). Suites still stop their own children in afterAll.
import childProcess, { type ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { cleanupAtExit } from './exit-cleanup.js';

// execFile and exec are left alone: they run to completion and are awaited (and promisify knows them).
for (const name of ['spawn', 'fork'] as const) {
  const real = childProcess[name] as (...args: unknown[]) => ChildProcess;
  Object.defineProperty(childProcess, name, {
    value: (...args: unknown[]) => {
      const child = real(...args);
      if (child.pid === undefined) return child;
      const command = [args[0], ...(Array.isArray(args[1]) ? args[1] : [])].join(' ').slice(0, 200);
      const forget = cleanupAtExit(
        `child process ${child.pid} (${command})`,
        () => {
          child.kill('SIGKILL');
        },
        'stop',
      );
      child.once('exit', forget);
      return child;
    },
    configurable: true,
    writable: true,
  });
}
// Named imports of node:child_process see the wrappers too.
syncBuiltinESMExports();
