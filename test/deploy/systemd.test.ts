// deploy/systemd/boxoffice.service: systemd-analyze verify accepts it without a warning (an unknown or
// misspelt key is a warning that systemd would silently ignore), and it carries the hardening docs/deploy.md
// promises, starts the built command line, and keeps secrets in an EnvironmentFile.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const UNIT = 'deploy/systemd/boxoffice.service';
const text = readFileSync(UNIT, 'utf8');
const settings = new Map<string, string[]>();
for (const line of text.split('\n')) {
  const [, key, value] = line.match(/^([A-Za-z]+)=(.*)$/) ?? [];
  if (key !== undefined && value !== undefined) settings.set(key, [...(settings.get(key) ?? []), value]);
}

function verifierAvailable(): boolean {
  if (spawnSync('systemd-analyze', ['--version']).status === 0) return true;
  process.stderr.write('\n!!! SKIPPING systemd-analyze verify: not on PATH\n\n');
  return false;
}

describe('systemd unit', () => {
  it.runIf(verifierAvailable())('passes systemd-analyze verify without a warning', () => {
    const result = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr.trim()).toBe('');
  });

  it('runs the embedded server as its own user, data in its state directory, secrets in a file', () => {
    expect(settings.get('ExecStart')?.[0]).toMatch(/node \S*\/dist\/cli\/main\.js serve$/);
    expect(settings.get('User')).toEqual(['boxoffice']);
    expect(settings.get('StateDirectory')).toEqual(['boxoffice']);
    expect(settings.get('Environment')?.[0]).toContain('BOXOFFICE_DATA_DIR=/var/lib/boxoffice');
    expect(settings.get('EnvironmentFile')).toEqual(['/etc/boxoffice/boxoffice.env']);
    expect(text).not.toMatch(/BOXOFFICE_ADMIN_TOKEN=/);
    expect(settings.get('KillSignal')).toEqual(['SIGTERM']);
  });

  it('is hardened', () => {
    for (const [key, value] of Object.entries({
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      CapabilityBoundingSet: '',
      RestrictNamespaces: 'yes',
      RestrictSUIDSGID: 'yes',
      SystemCallArchitectures: 'native',
    })) {
      expect(settings.get(key), key).toEqual([value]);
    }
    expect(settings.get('SystemCallFilter')).toContain('@system-service');
    expect(settings.get('RestrictAddressFamilies')?.[0]).toBe('AF_INET AF_INET6 AF_UNIX');
  });
});
