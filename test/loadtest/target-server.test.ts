// The private server of a load test listens on the port it is given (`bench --port`), takes its admin token
// from the environment (never on a command line, where `ps` shows it and a leading `-` reads as a flag), and
// is gone after stop.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openTarget, type TargetServer } from '../../tools/loadtest/target-server.js';
import { freePort } from '../support/redis-server.js';

describe('private load-test server', () => {
  let server: TargetServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  /** A fresh data dir is initialised on start: tens of seconds on a busy two-core machine. */
  it('listens on the port it is given', { timeout: 120_000 }, async () => {
    const port = await freePort();
    server = await openTarget(undefined, undefined, port, {}, () => {});
    expect(server.baseUrl).toBe(`http://127.0.0.1:${port}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    const adminOnly = await fetch(`http://127.0.0.1:${port}/v1/webhooks`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(adminOnly.status).toBe(200);
    expect(commandLinesNaming(server.adminToken)).toEqual([]);
    expect(await server.stop()).toEqual([]);
  });
});

/** The command lines of this machine's processes that contain `text`. */
function commandLinesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // ended meanwhile
    }
    if (commandLine.includes(text)) found.push(`${pid}: ${commandLine}`);
  }
  return found;
}
