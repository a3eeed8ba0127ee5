// deploy/nginx.conf is valid for nginx, and proxies the API and the live WebSocket to the API processes.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';
import { freePort } from '../support/redis-server.js';

function nginxAvailable(): boolean {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error('nginx is not on PATH (required under CI=true).');
    process.stderr.write('\n!!! SKIPPING the nginx config test: no nginx on PATH\n\n');
    return false;
  }
}

const CONFIG = resolve('deploy/nginx.conf');

describe.runIf(nginxAvailable())('deploy/nginx.conf', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'boxoffice-nginx-'));
  let bo: TestEmbedded;
  let port: number;
  let stopNginx: () => void = () => {};

  beforeAll(async () => {
    // As deploy/run-local.sh runs the API processes behind this config: trusting the one proxy in front.
    bo = await startEmbedded({ trustProxy: 1, rateLimits: { perIp: { count: 1000, windowSeconds: 3600 } } });
    const upstream = new URL(await bo.app.listen({ port: 0, host: '127.0.0.1' })).port;
    port = await freePort();
    // The shipped config with this test's ports: both upstreams are the one test server.
    const config = readFileSync(CONFIG, 'utf8')
      .replaceAll('127.0.0.1:8081', `127.0.0.1:${upstream}`)
      .replaceAll('127.0.0.1:8082', `127.0.0.1:${upstream}`)
      .replace('listen 127.0.0.1:8080', `listen 127.0.0.1:${port}`);
    const path = join(prefix, 'nginx.conf');
    writeFileSync(path, config);
    const child = spawn('nginx', ['-p', prefix, '-c', path, '-g', 'daemon off;'], { stdio: 'ignore' });
    stopNginx = () => child.kill('SIGKILL');
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    stopNginx();
    await bo?.dispose();
    rmSync(prefix, { recursive: true, force: true });
  });

  it('passes nginx -t as shipped', () => {
    const out = execFileSync('nginx', ['-t', '-p', prefix, '-c', CONFIG], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
  });

  it('counts clients by the address nginx appends, not by one they write themselves', async () => {
    const remaining = async (spoofed: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        headers: { 'x-forwarded-for': spoofed },
      });
      expect(response.status).toBe(200);
      return Number(/r=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1]);
    };
    const first = await remaining('203.0.113.1');
    expect(await remaining('203.0.113.2')).toBe(first - 1);
  });

  it('proxies holds and the live WebSocket', async () => {
    const base = `http://127.0.0.1:${port}`;
    const eventId = uniqueEventId('ngx');
    const created = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify(eventBody(eventId, { pools: [{ id: 'ga', capacity: 5, price: 100 }] })),
    });
    expect(created.status).toBe(201);
    const hold = await fetch(`${base}/v1/events/${eventId}/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u', quantity: 2 }),
    });
    expect(hold.status).toBe(201);
    const first = await new Promise<string>((resolveMessage, rejectMessage) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/v1/events/${eventId}/live`);
      socket.once('message', (data) => {
        resolveMessage(String(data));
        socket.close();
      });
      socket.once('error', rejectMessage);
    });
    expect(JSON.parse(first)).toMatchObject({ type: 'snapshot' });
  });
});
