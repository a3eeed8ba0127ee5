// The small parts of webhook delivery: the address guard, the retry schedule, signing and sealing.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { SqlDriver } from '../store/sql-driver.js';
import { parseRetryAfter, RETRY_AFTER_MAX_MS, RETRY_SCHEDULE_MS, retryDelayMs } from './retry-schedule.js';
import { GENERATED_KEY_FILE, openSecretBox, SecretBox } from './secret-box.js';
import { mintSigningSecret, signatureOf, webhookHeaders } from './signing.js';
import { isInwardAddress, urlRefusal } from './ssrf-guard.js';
import { openWebhooks } from './webhooks.js';

describe('the address guard', () => {
  it('refuses inward addresses and lets public ones through', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '10.2.3.4',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.10',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-address',
    ])
      expect(isInwardAddress(address), address).toBe(true);
    for (const address of ['93.184.215.14', '172.32.0.1', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isInwardAddress(address), address).toBe(false);
  });

  it('refuses a name when any of its addresses is inward, and a name that does not resolve', async () => {
    const guard = (addresses: string[]) => ({ allowPrivate: false, resolve: async () => addresses });
    expect(await urlRefusal('https://a.example/', guard(['8.8.8.8']))).toBeUndefined();
    expect((await urlRefusal('https://a.example/', guard(['8.8.8.8', '10.0.0.1'])))?.code).toBe(
      'webhook_url_forbidden',
    );
    const failing = {
      allowPrivate: false,
      resolve: async () => {
        throw new Error('ENOTFOUND');
      },
    };
    expect((await urlRefusal('https://nowhere.example/', failing))?.code).toBe('webhook_url_invalid');
    expect(await urlRefusal('http://127.0.0.1/', { allowPrivate: true })).toBeUndefined();
    expect((await urlRefusal('file:///etc/passwd', { allowPrivate: true }))?.code).toBe(
      'webhook_url_invalid',
    );
  });
});

describe('the retry schedule', () => {
  it('follows the Standard Webhooks steps, jittered, then gives up', () => {
    expect(RETRY_SCHEDULE_MS.slice(0, 6)).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000,
    ]);
    expect(retryDelayMs(RETRY_SCHEDULE_MS, 1, undefined, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(RETRY_SCHEDULE_MS, 2, undefined, () => 0)).toBe(240_000);
    expect(retryDelayMs(RETRY_SCHEDULE_MS, 2, undefined, () => 0.999_999)).toBe(360_000);
    expect(retryDelayMs(RETRY_SCHEDULE_MS, RETRY_SCHEDULE_MS.length + 1, undefined)).toBeUndefined();
  });

  it('honours a longer Retry-After, up to a day, and never shortens the step', () => {
    expect(retryDelayMs([5_000], 1, 60_000, () => 0.5)).toBe(60_000);
    expect(retryDelayMs([5_000], 1, 1_000, () => 0.5)).toBe(5_000);
    expect(retryDelayMs([5_000], 1, 10 * RETRY_AFTER_MAX_MS, () => 0.5)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:01:00 GMT', 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
});

describe('signing', () => {
  it('signs as the reference library does, one signature per secret', () => {
    const [a, b] = [mintSigningSecret(), mintSigningSecret()];
    const body = '{"type":"order.confirmed"}';
    const at = new Date();
    const seconds = Math.floor(at.getTime() / 1000);
    expect(signatureOf(a, 'msg_1', seconds, body)).toBe(new Webhook(a).sign('msg_1', at, body));
    const headers = webhookHeaders([a, b], 'msg_1', seconds, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [a, b]) expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });
});

describe('sealed secrets', () => {
  it('open with their key only', () => {
    const box = new SecretBox(Buffer.alloc(32, 1));
    const sealed = box.seal('whsec_abc');
    expect(sealed).not.toContain('abc');
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(sealed);
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed)).toThrow();
  });

  it('use the configured key, or one made once in the data directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxoffice-webhooks-key-'));
    try {
      const sealed = openSecretBox('', dir).seal('whsec_x');
      expect(statSync(join(dir, GENERATED_KEY_FILE)).mode & 0o777).toBe(0o600);
      expect(openSecretBox('', dir).open(sealed)).toBe('whsec_x');
      const configured = readFileSync(join(dir, GENERATED_KEY_FILE), 'utf8');
      expect(openSecretBox(configured).open(sealed)).toBe('whsec_x');
      expect(() => openSecretBox('')).toThrow(/BOXOFFICE_WEBHOOKS_KEY/);
      expect(() => openSecretBox('c2hvcnQ=')).toThrow(/32 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('openWebhooks', () => {
  const driver = {} as SqlDriver;
  it('needs a key unless the store lives in memory', () => {
    expect(() => openWebhooks({ driver, key: '', allowPrivate: false })).toThrow(/BOXOFFICE_WEBHOOKS_KEY/);
    const memory = openWebhooks({ driver, key: '', inMemory: true, allowPrivate: true });
    expect(memory.secrets.open(memory.secrets.seal('whsec_y'))).toBe('whsec_y');
    expect(memory.guard.allowPrivate).toBe(true);
  });
});
