// deploy/k8s, offline: every manifest validates against the Kubernetes API schemas of kubernetes-models
// (and the Prometheus Operator's for the ServiceMonitor), the kustomization lists every file, and the parts
// fit together: probes on /readyz and /healthz, selectors that match, a CPU autoscaler, a budget for drains,
// settings from the ConfigMap and the Secret, metrics scraped from both kinds of pod.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, serveRefusal } from '../../src/config.js';

const require = createRequire(import.meta.url);
const DIR = 'deploy/k8s';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  /** Checked by the schema validators first, then read freely. */
  spec: any;
  data?: Record<string, string>;
}

const files = readdirSync(DIR).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml');
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((document) => document.toJS() as Manifest),
);

/** The kubernetes-models class of an apiVersion and kind, whose validate() checks the API schema. */
function modelOf(apiVersion: string, kind: string) {
  const module =
    apiVersion === 'monitoring.coreos.com/v1'
      ? `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`
      : `kubernetes-models/${apiVersion}/${kind}`;
  return require(module)[kind] as new (
    data: unknown,
  ) => { validate(): void };
}

function validate(manifest: unknown): void {
  const { apiVersion, kind } = manifest as Manifest;
  const Model = modelOf(apiVersion, kind);
  new Model(manifest).validate();
}

function one(kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in ${DIR}`);
  return found;
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

describe('deploy/k8s', () => {
  it('validates every manifest against the Kubernetes schemas, which catch a bad manifest', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const manifest of manifests) expect(() => validate(manifest), manifest.metadata.name).not.toThrow();
    const broken = structuredClone(one('Deployment', 'boxoffice-api'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand';
    expect(() => validate(broken)).toThrow(/containerPort/);
  });

  it('lists every manifest in the kustomization', () => {
    const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'));
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it('probes the API on /readyz (readiness) and /healthz (liveness), with settings from the ConfigMap and Secret', () => {
    const api = one('Deployment', 'boxoffice-api');
    const [container] = api.spec.template.spec.containers;
    expect(container.args).toEqual(['serve']);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.envFrom).toEqual([
      { configMapRef: { name: 'boxoffice-config' } },
      { secretRef: { name: 'boxoffice-secrets' } },
    ]);
    expect(container.resources.requests.cpu).toBeDefined();
    expect(api.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(selects(api.spec.selector.matchLabels, api.spec.template.metadata.labels)).toBe(true);
  });

  it('gives the API pods settings that start: verified buyers on a public HOST, the Ingress trusted', () => {
    // The Secret `boxoffice-secrets` adds these two (made outside the manifests).
    const secret = {
      DATABASE_URL: 'postgres://boxoffice@boxoffice-postgres:5432/boxoffice',
      BOXOFFICE_ADMIN_TOKEN: 'an-admin-token-of-the-secret',
    };
    const config = loadConfig({ ...one('ConfigMap', 'boxoffice-config').data, ...secret });
    expect(serveRefusal(config)).toBeUndefined();
    expect(config).toMatchObject({ host: '0.0.0.0', buyerAuth: 'verified', trustProxy: 1 });
  });

  it('keeps secrets out of the ConfigMap and reaches Redis and PostgreSQL as external services', () => {
    const config = one('ConfigMap', 'boxoffice-config').data ?? {};
    for (const key of Object.keys(config)) expect(key).not.toMatch(/DATABASE_URL|TOKEN|PASSWORD/);
    expect(config.BOXOFFICE_PROJECTOR).toBe('off');
    expect(one('Service', 'boxoffice-redis').spec.type).toBe('ExternalName');
    expect(one('Service', 'boxoffice-postgres').spec.type).toBe('ExternalName');
    expect(config.REDIS_URL).toContain('boxoffice-redis');
    expect(manifests.some((manifest) => manifest.kind === 'Secret')).toBe(false);
  });

  it('scales the API on CPU and keeps pods through drains', () => {
    const hpa = one('HorizontalPodAutoscaler', 'boxoffice-api');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'boxoffice-api' });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    for (const name of ['boxoffice-api', 'boxoffice-worker']) {
      const budget = one('PodDisruptionBudget', name);
      const deployment = one('Deployment', name);
      expect(selects(budget.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
    }
  });

  it('runs workers, and scrapes the API and the workers through Services the ServiceMonitor selects', () => {
    const worker = one('Deployment', 'boxoffice-worker');
    expect(worker.spec.template.spec.containers[0].args).toEqual(['worker']);
    const monitor = one('ServiceMonitor', 'boxoffice');
    const ports = monitor.spec.endpoints.map((endpoint: { port: string }) => endpoint.port);
    const scraped: [name: string, port: string, job: string][] = [
      ['boxoffice-api', 'http', 'boxoffice'],
      ['boxoffice-worker', 'metrics', 'boxoffice-worker'],
    ];
    for (const [name, port, job] of scraped) {
      const service = one('Service', name);
      expect(selects(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
      expect(service.metadata.labels?.[monitor.spec.jobLabel]).toBe(job);
      expect(service.spec.ports.map((entry: { name: string }) => entry.name)).toContain(port);
      expect(ports).toContain(port);
      const deployment = one('Deployment', name);
      expect(selects(service.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
    }
  });
});
