// Waiting-room joins (POST /v1/events/:id/queue) and status calls (GET /v1/events/:id/queue/me) per second,
// each as a ratio of bare Fastify measured in the same run with wrk: joins against the bare POST route of
// `bench ceiling` (same JSON body size class, 201 with a small JSON), status calls against its bare GET
// /healthz. Usage (after npm run build; needs wrk):
//   node scripts/bench/queue-rates.mjs [--duration 5] [--connections 64] [--status-buyers 2000]
// The boxoffice server is the load tester's private one (embedded shape, open mode, rate limits off); the
// event's sales started a minute ago and admit one buyer a minute, so the line only grows during the run.
// Every joiner is a new buyer (a counter in the wrk script); status calls cycle over --status-buyers who
// joined first. Bounded: each wrk run stops after --duration (at most 60 s), the pre-joins are counted.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../../dist/tools/harness/processes.js';
import { HttpTarget } from '../../dist/tools/loadtest/http-target.js';
import { openTarget } from '../../dist/tools/loadtest/target-server.js';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '64' },
    'status-buyers': { type: 'string', default: '2000' },
  },
});
const DURATION = Math.min(60, Math.max(1, Number(flags.duration)));
const CONNECTIONS = Math.min(1024, Math.max(1, Number(flags.connections)));
const STATUS_BUYERS = Math.min(100_000, Math.max(1, Number(flags['status-buyers'])));
const WARMUP_SECONDS = 1;
const EVENT_ID = 'queue-rates';

const dir = mkdtempSync(join(tmpdir(), 'boxoffice-queue-rates-'));
const scripts = writeScripts(dir);
const log = (line) => process.stderr.write(`${line}\n`);

const bare = await startBare();
let ceiling;
try {
  ceiling = {
    post: await wrk(`${bare.url}/v1/events/${EVENT_ID}/holds`, scripts.barePost),
    get: await wrk(`${bare.url}/healthz`, scripts.bareGet),
  };
} finally {
  bare.child.kill('SIGTERM');
}

const server = await openTarget(undefined, undefined, undefined, process.env, log);
let measured;
try {
  await createQueuedEvent(server);
  const joinUrl = `${server.baseUrl}/v1/events/${EVENT_ID}/queue`;
  const joins = await wrk(joinUrl, scripts.join);
  await preJoin(server, STATUS_BUYERS);
  const statuses = await wrk(`${joinUrl}/me`, scripts.status);
  measured = { joins, statuses };
} catch (error) {
  log(`queue-rates: ${error.message} (${error.cause?.message ?? 'no cause'})`);
  process.exitCode = 1;
} finally {
  const problems = await server.stop();
  if (problems.length > 0) log(problems.join('\n'));
  rmSync(dir, { recursive: true, force: true });
}

if (measured === undefined) process.exit(1);
const rows = [
  ['queue join (POST)', measured.joins, ceiling.post, 'bare POST'],
  ['queue status (GET /me)', measured.statuses, ceiling.get, 'bare GET /healthz'],
];
process.stdout.write(
  `| operation | req/s | ceiling | ceiling req/s | ratio | non-2xx |\n|---|---:|---|---:|---:|---:|\n`,
);
for (const [name, run, base, baseName] of rows) {
  process.stdout.write(
    `| ${name} | ${run.rps.toFixed(0)} | ${baseName} | ${base.rps.toFixed(0)} | ${(run.rps / base.rps).toFixed(3)} | ${run.non2xx} |\n`,
  );
}
process.stdout.write(
  `\nwrk -t1 -c${CONNECTIONS} -d${DURATION}s after ${WARMUP_SECONDS}s warm-up; ${STATUS_BUYERS} buyers polled\n`,
);
if (rows.some(([, run]) => run.non2xx > 0 || run.requests === 0)) process.exitCode = 1;

function writeScripts(into) {
  const file = (name, text) => {
    const path = join(into, name);
    writeFileSync(path, text);
    return path;
  };
  // Each joiner is a new buyer: a counter, with a tag unique to the run so that a rerun never rejoins one.
  const counter = `local n = 0\nlocal tag = tostring(os.time()) .. "-" .. tostring(math.random(1e9))\n`;
  return {
    barePost: file(
      'bare-post.lua',
      `wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\nwrk.body = '{"userId":"u-1","quantity":1,"poolId":"ga"}'\n`,
    ),
    bareGet: file('bare-get.lua', ''),
    join: file(
      'join.lua',
      `${counter}request = function()\n  n = n + 1\n  return wrk.format("POST", nil, {["content-type"] = "application/json"}, '{"userId":"j-' .. tag .. '-' .. n .. '"}')\nend\n`,
    ),
    status: file(
      'status.lua',
      `local n = 0\nrequest = function()\n  n = n % ${STATUS_BUYERS} + 1\n  return wrk.format("GET", wrk.path .. "?userId=s-" .. n)\nend\n`,
    ),
  };
}

/** wrk's requests per second of one measured run, after a warm-up run whose figures are dropped. */
async function wrk(url, script) {
  const run = (seconds) => {
    const answer = spawnSync(
      'wrk',
      ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '5s', '-s', script, url],
      { encoding: 'utf8', timeout: (seconds + 15) * 1000 },
    );
    if (answer.status !== 0) throw new Error(`wrk failed: ${answer.stderr || answer.error}`);
    return answer.stdout;
  };
  run(WARMUP_SECONDS);
  const text = run(DURATION);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const errors = /Socket errors: (.*)/.exec(text)?.[1];
  if (errors !== undefined) log(`${url}: socket errors ${errors}`);
  return { requests, rps, non2xx };
}

async function startBare() {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/tools/bench/bare-server.js', String(port)], {
    stdio: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const ready = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { child, url };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error('the bare server did not start within 10 s');
}

async function createQueuedEvent(target) {
  const now = Date.now();
  const body = {
    id: EVENT_ID,
    name: 'Queue rates',
    venue: 'boxoffice bench',
    startsAt: '2030-01-01T20:00:00Z',
    holdTtlSeconds: 600,
    maxPerUser: 4,
    pools: [{ id: 'ga', name: 'General admission', capacity: 1000, price: 4500 }],
    queue: {
      opensAt: new Date(now - 120_000).toISOString(),
      salesStartAt: new Date(now - 60_000).toISOString(),
      admitPerMinute: 1,
      passMinutes: 10,
      maxActive: 1,
    },
  };
  const response = await fetch(`${target.baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.adminToken}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201)
    throw new Error(`creating the event: ${response.status} ${await response.text()}`);
}

/** Buyers s-1 … s-<count> join, 64 at a time, so that every status call names a buyer in the line. A client
 *  of its own: a keep-alive socket left idle through a wrk run may be closed by the server as it is reused. */
async function preJoin(target, count) {
  const client = new HttpTarget(target.baseUrl, 64);
  try {
    for (let first = 1; first <= count; first += 64) {
      const batch = Array.from({ length: Math.min(64, count - first + 1) }, async (_, i) => {
        const answer = await client.send('POST', `/v1/events/${EVENT_ID}/queue`, {
          userId: `s-${first + i}`,
        });
        if (answer.kind !== 'answer' || answer.status !== 201) {
          throw new Error(`pre-join s-${first + i}: ${answer.status ?? answer.error}`);
        }
      });
      await Promise.all(batch);
    }
  } finally {
    await client.close();
  }
}
