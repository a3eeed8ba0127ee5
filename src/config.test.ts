import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Config, ConfigError, configTable, loadConfig } from './config.js';
import type { RateLimit } from './ratelimit/limit-spec.js';

describe('config', () => {
  it('has sane defaults and generates an admin token when none is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: './data',
      sweepIntervalMs: 1000,
      holdTtlSeconds: 300,
      adminTokenGenerated: true,
    });
    expect(config.adminToken.length).toBeGreaterThanOrEqual(32);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('generates admin tokens that can be given back as a flag value (never starting with "-")', () => {
    // The old base64url tokens fail the format outright; 256 of them would also have held one starting
    // with "-" (one in 64 does) about 98 times in 100.
    const tokens = Array.from({ length: 256 }, () => loadConfig({}).adminToken);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('reads the environment, and flags win over it', () => {
    const config = loadConfig(
      { PORT: '9000', BOXOFFICE_ADMIN_TOKEN: 'a-token-of-sixteen+', HOST: '0.0.0.0' },
      { port: '9100' },
    );
    expect(config).toMatchObject({
      port: 9100,
      host: '0.0.0.0',
      adminToken: 'a-token-of-sixteen+',
      adminTokenGenerated: false,
    });
  });

  it('reports every bad value at once', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        BOXOFFICE_SWEEP_INTERVAL_MS: '0',
        BOXOFFICE_HOLD_TTL_SECONDS: '99999',
        BOXOFFICE_ADMIN_TOKEN: 'short',
        LOG_LEVEL: 'loud',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(5);
      expect(problems.join('\n')).toMatch(/PORT.*BOXOFFICE_ADMIN_TOKEN.*SWEEP.*TTL.*LOG_LEVEL/s);
    }
  });

  it('bounds slow clients and connections by default, and refuses a headers timeout past the request timeout', () => {
    expect(loadConfig({}).serverLimits).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      socketIdleTimeoutMs: 60_000,
      connectionsMax: 15_000,
    });
    expect(() =>
      loadConfig({ BOXOFFICE_HEADERS_TIMEOUT_MS: '20000', BOXOFFICE_REQUEST_TIMEOUT_MS: '10000' }),
    ).toThrow(/HEADERS_TIMEOUT_MS must not be longer/);
    expect(() =>
      loadConfig({ BOXOFFICE_CONNECTIONS_MAX: '0', BOXOFFICE_KEEP_ALIVE_TIMEOUT_MS: 'x' }),
    ).toThrow(/KEEP_ALIVE[\s\S]*CONNECTIONS_MAX/);
  });

  it('requires an AOF Redis unless told otherwise, and knows only the three persistence modes', () => {
    expect(loadConfig({}).redisPersistence).toBe('aof');
    expect(loadConfig({ BOXOFFICE_REDIS_PERSISTENCE: 'volatile' }).redisPersistence).toBe('volatile');
    expect(() => loadConfig({ BOXOFFICE_REDIS_PERSISTENCE: 'yes' })).toThrow(
      /BOXOFFICE_REDIS_PERSISTENCE.*must be one of aof, managed, volatile/,
    );
  });

  it('reads rate limits as <count>/<seconds>s or off, with defaults no honest buyer meets', () => {
    expect(loadConfig({})).toMatchObject({
      rateLimitPerIp: { count: 1200, windowSeconds: 60 },
      rateLimitPerBuyer: { count: 30, windowSeconds: 60 },
      rateLimitPerKey: { count: 120_000, windowSeconds: 60 },
      trustProxy: false,
    });
    const config = loadConfig(
      { BOXOFFICE_RATE_LIMIT_PER_IP: '600/60s', BOXOFFICE_RATE_LIMIT_PER_BUYER: 'off' },
      { 'rate-limit-per-key': '5/1s', 'trust-proxy': 'on' },
    );
    expect(config.rateLimitPerIp).toEqual({ count: 600, windowSeconds: 60 });
    expect(config.rateLimitPerBuyer).toBeUndefined();
    expect(config.rateLimitPerKey).toEqual({ count: 5, windowSeconds: 1 });
    expect(config.trustProxy).toBe(1);
    expect(loadConfig({ BOXOFFICE_TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('refuses every malformed rate limit and proxy trust at once', () => {
    const bad = ['600', '600/60', '600/60m', '0/60s', '600/0s', '-1/60s', '1.5/60s', '600 /60s', 'OFF', ''];
    for (const value of bad) {
      expect(() => loadConfig({ BOXOFFICE_RATE_LIMIT_PER_IP: value }), value).toThrow(ConfigError);
    }
    try {
      loadConfig({
        BOXOFFICE_RATE_LIMIT_PER_IP: '10000001/60s',
        BOXOFFICE_RATE_LIMIT_PER_BUYER: '30/86401s',
        BOXOFFICE_RATE_LIMIT_PER_KEY: 'lots',
        BOXOFFICE_TRUST_PROXY: 'yes',
      });
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PER_IP.*<count>\/<seconds>s.*PER_BUYER.*PER_KEY.*TRUST_PROXY/s);
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });

  it('is documented in the README by the table it generates', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(configTable());
  });

  it('types each field by its parser, and the derived fields by what loading makes of them', () => {
    // Checked by the type checker (npm run typecheck): Config is derived from the settings table.
    expectTypeOf<Config['port']>().toEqualTypeOf<number>();
    expectTypeOf<Config['projector']>().toEqualTypeOf<'in-process' | 'off'>();
    expectTypeOf<Config['redisPersistence']>().toEqualTypeOf<'aof' | 'managed' | 'volatile'>();
    expectTypeOf<Config['rateLimitPerIp']>().toEqualTypeOf<RateLimit | undefined>();
    expectTypeOf<Config['trustProxy']>().toEqualTypeOf<false | number>();
    expectTypeOf<Config['redisClusterNodes']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<Config['soldOutCache']>().toEqualTypeOf<boolean>();
    expectTypeOf<Config['buyerAuth']>().toEqualTypeOf<'open' | 'verified'>();
    expectTypeOf<Config['shape']>().toEqualTypeOf<'embedded' | 'distributed'>();
    expectTypeOf<Config>().not.toHaveProperty('headersTimeoutMs');
    const config = loadConfig({ BOXOFFICE_SOLD_OUT_CACHE: 'off' });
    expect(config.soldOutCache).toBe(false);
    expect(config.buyerAuth).toBe('open');
  });
});
