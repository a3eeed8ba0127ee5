// Set-up of the unit tier: a test there must need no service, so starting a process or opening a network
// connection fails it at once, naming what it tried, instead of finding a Redis or PostgreSQL by chance.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

function refuse(what: string): never {
  throw new Error(
    `the unit tier runs without services, and this test ${what}: move it out of UNIT in vitest.config.ts`,
  );
}

/** Commands that answer a question about the machine and start nothing (tools/bench/proc.ts asks getconf). */
const HARMLESS = new Set(['getconf']);

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  const real = childProcess[name] as (...args: unknown[]) => unknown;
  Object.defineProperty(childProcess, name, {
    value: (...args: unknown[]) =>
      name.endsWith('Sync') && HARMLESS.has(String(args[0]))
        ? real(...args)
        : refuse(`starts a process (child_process.${name} ${String(args[0])})`),
    configurable: true,
    writable: true,
  });
}
net.Socket.prototype.connect = function connect(...args: unknown[]) {
  const target = typeof args[0] === 'object' ? JSON.stringify(args[0]) : String(args[0]);
  return refuse(`opens a connection (${target})`);
};
// Named imports of node:child_process see the replacements too.
syncBuiltinESMExports();
