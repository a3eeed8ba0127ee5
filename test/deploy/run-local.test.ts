// deploy/run-local.sh as an operator runs it, on ports of this test's choosing (every port from the
// environment) and a database that does not exist yet (the script creates it): nginx answers, both API
// processes and the worker are up on the ports given, and a sale goes through.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../tools/harness/processes.js';
import { POSTGRES_URL, postgresAvailable } from '../support/postgres.js';

const TOKEN = 'run-local-test-admin-token-0123456789';
/** Redis, two API processes and a worker starting together on two shared cores. */
const READY_TIMEOUT_MS = 90_000;
const STOP_WAIT_MS = 10_000;

function toolsAvailable(): boolean {
  const missing = ['redis-server', 'redis-cli', 'nginx', 'psql'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return true;
  if (process.env.CI === 'true')
    throw new Error(`run-local.sh needs ${missing.join(', ')} (required under CI=true)`);
  process.stderr.write(`\n!!! SKIPPING the run-local.sh test: no ${missing.join(', ')}\n\n`);
  return false;
}

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    (response) => response.ok,
    () => false,
  );
}

function readinessUrls(ports: Record<string, number>): string[] {
  return [
    `http://127.0.0.1:${ports.HTTP_PORT}/readyz`,
    `http://127.0.0.1:${ports.API_PORT_1}/readyz`,
    `http://127.0.0.1:${ports.API_PORT_2}/readyz`,
    `http://127.0.0.1:${ports.METRICS_PORT}/healthz`,
  ];
}

async function allAnswer(ports: Record<string, number>): Promise<boolean> {
  const answered = await Promise.all(readinessUrls(ports).map(answers));
  return answered.every(Boolean);
}

describe.runIf(toolsAvailable() && (await postgresAvailable('the run-local.sh test')))(
  'deploy/run-local.sh',
  () => {
    const runDir = mkdtempSync(join(tmpdir(), 'boxoffice-run-local-'));
    const database = `boxoffice_run_local_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const databaseUrl = new URL(POSTGRES_URL);
    databaseUrl.pathname = `/${database}`;
    const ports: Record<string, number> = {};
    let script: ChildProcess;
    let stderr = '';

    beforeAll(async () => {
      const names = ['HTTP_PORT', 'API_PORT_1', 'API_PORT_2', 'METRICS_PORT', 'REDIS_PORT'];
      // Five different ports: picked one by one, two could be the same (nginx then found its port taken).
      const picked = await freePorts(names.length);
      for (const [i, name] of names.entries()) ports[name] = picked[i] as number;
      script = spawn('deploy/run-local.sh', {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
          DATABASE_URL: databaseUrl.toString(),
          RUN_DIR: runDir,
          BOXOFFICE_ADMIN_TOKEN: TOKEN,
          LOG_LEVEL: 'warn',
        },
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      script.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      // Every process, not only nginx: nginx answers /readyz as soon as either API process is ready.
      const deadline = Date.now() + READY_TIMEOUT_MS;
      while (Date.now() < deadline && !(await allAnswer(ports))) {
        if (script.exitCode !== null) throw new Error(`run-local.sh exited ${script.exitCode}:\n${stderr}`);
        await sleep(250);
      }
    }, READY_TIMEOUT_MS + 10_000);

    afterAll(async () => {
      // The script's trap stops what it started; the group signal covers a script that is itself stuck.
      if (script?.pid !== undefined) {
        try {
          process.kill(script.pid, 'SIGTERM');
        } catch {}
        for (let waited = 0; waited < STOP_WAIT_MS && script.exitCode === null; waited += 200)
          await sleep(200);
        try {
          process.kill(-script.pid, 'SIGKILL');
        } catch {}
      }
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
      rmSync(runDir, { recursive: true, force: true });
    }, STOP_WAIT_MS + 20_000);

    it('creates the database and serves on the ports it is given', async () => {
      expect(stderr).toContain(`created database ${database}`);
      for (const url of readinessUrls(ports)) expect(await answers(url), `${url}\n${stderr}`).toBe(true);
      expect(
        execFileSync('redis-cli', ['-p', String(ports.REDIS_PORT), 'ping'], { encoding: 'utf8' }).trim(),
      ).toBe('PONG');
    });

    it('sells through nginx', async () => {
      const base = `http://127.0.0.1:${ports.HTTP_PORT}`;
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
      const created = await fetch(`${base}/v1/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          id: 'run-local',
          name: 'Run local',
          venue: 'Box',
          startsAt: '2027-01-01T20:00:00Z',
          pools: [{ id: 'ga', capacity: 10, price: 100 }],
        }),
      });
      expect(created.status).toBe(201);
      const order = await fetch(`${base}/v1/events/run-local/orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ userId: 'u-1', quantity: 2, poolId: 'ga' }),
      });
      expect(order.status).toBe(201);
    });
  },
);
