// SIGTERM stops the real server gracefully: a request in flight when the signal arrives (its body still
// arriving) is answered 201, its answer closes the keep-alive connection, the process exits 0 well within
// an orchestrator's grace period, and after a restart on the same data dir the hold is there.
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { eventBody, freshDataDir, uniqueEventId } from '../support/embedded.js';
import { freePort } from '../support/redis-server.js';

const ADMIN_TOKEN = 'sigterm-test-admin-token-0123456789';
const READY_TIMEOUT_MS = 60_000;
/**
 * deploy/k8s gives a pod 30 s between SIGTERM and SIGKILL. A stop held open by an idle keep-alive connection
 * lasts the keep-alive timeout (72 s) and would be killed before its last commit and the store's close.
 */
const GRACE_PERIOD_MS = 30_000;
/** Long enough for the signal to be handled and close() to begin before the body's end is sent. */
const SIGNAL_SETTLE_MS = 1_000;

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: string[];
}

const children: ChildProcess[] = [];

async function startServer(dataDir: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/cli/main.js', 'serve'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      BOXOFFICE_DATA_DIR: dataDir,
      BOXOFFICE_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output: string[] = [];
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`server not ready in time:\n${output.join('')}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { child, port, output };
    await sleep(100);
  }
}

function exitOf(child: ChildProcess, withinMs: number): Promise<number | null | 'still running'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still running'), withinMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('SIGTERM', () => {
  const { dataDir, remove } = freshDataDir();
  const eventId = uniqueEventId('drain');

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await sleep(200);
    remove();
  });

  it('answers the request in flight, closes its connection, exits 0 in time, and the hold is durable', {
    timeout: 2 * READY_TIMEOUT_MS + GRACE_PERIOD_MS + 10_000,
  }, async () => {
    const first = await startServer(dataDir);
    const created = await fetch(`http://127.0.0.1:${first.port}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify(eventBody(eventId, { pools: [{ id: 'ga', capacity: 10, price: 100 }] })),
    });
    expect(created.status).toBe(201);

    // A keep-alive request whose body is half sent: in flight when the signal comes.
    const body = JSON.stringify({ userId: 'u-1', quantity: 1, poolId: 'ga' });
    const socket = net.connect(first.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    const closedByServer = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      `POST /v1/events/${eventId}/holds HTTP/1.1\r\nhost: test\r\nconnection: keep-alive\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 5)}`,
    );
    await sleep(200);
    first.child.kill('SIGTERM');
    await sleep(SIGNAL_SETTLE_MS);
    socket.write(body.slice(5));

    const exit = await exitOf(first.child, GRACE_PERIOD_MS);
    socket.destroy();
    expect(exit, first.output.join('')).toBe(0);
    await closedByServer;
    expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(first.output.join('')).toContain('boxoffice stopped');
    const holdId = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).id;

    const second = await startServer(dataDir);
    const hold = await fetch(`http://127.0.0.1:${second.port}/v1/holds/${holdId}`);
    expect(hold.status).toBe(200);
    expect(await hold.json()).toMatchObject({ id: holdId, status: 'held' });
    second.child.kill('SIGTERM');
    expect(await exitOf(second.child, GRACE_PERIOD_MS)).toBe(0);
  });
});
