// The unit tier refuses services: a test there that starts a process or opens a connection fails at once.
// (Named *.unit.test.ts, it is in the unit tier by its name.)
import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';

describe('the unit tier', () => {
  it('refuses to start a process, naming it', () => {
    expect(() => spawn('redis-server', ['--version'])).toThrow(
      /unit tier .* starts a process .*redis-server/,
    );
    expect(() => execFileSync('node', ['--version'])).toThrow(/starts a process/);
  });

  it('refuses to open a connection, naming where to', () => {
    expect(() => connect({ host: '127.0.0.1', port: 5432 })).toThrow(/opens a connection .*5432/);
  });
});
