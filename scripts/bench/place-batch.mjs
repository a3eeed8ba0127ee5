// CPU per placement of the Redis gate, one script call per placement against one call per event and
// event-loop turn (place-batch-11.lua), measured in one run, rounds interleaved: this process's CPU
// (process.cpuUsage) and the private redis-server's (/proc), per accepted placement. No HTTP: the gate's own
// cost. Usage (after npm run build):
//   node scripts/bench/place-batch.mjs [--placements 20000] [--concurrency 64] [--rounds 3]
// Each round places --placements holds of one unit each, --concurrency asked in one turn at a time, on a
// fresh event, once each way. Starts and stops its own redis-server (AOF everysec, as the bench's).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { RedisGate } from '../../dist/gate/redis/redis-gate.js';
import { freePort } from '../../dist/tools/harness/processes.js';
import { redisServerArgs, waitForPing } from '../../dist/tools/harness/redis-server.js';

const { values: flags } = parseArgs({
  options: {
    placements: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
  },
});
const PLACEMENTS = Number(flags.placements);
const CONCURRENCY = Number(flags.concurrency);
const ROUNDS = Number(flags.rounds);
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s. */
const CLOCK_TICKS_PER_SECOND = 100;

const server = await startRedis();
const redis = new Redis(server.port, '127.0.0.1');
try {
  const gates = {
    'one call per placement': new RedisGate({ redis, batchPlacements: false }),
    'one call per event and turn': new RedisGate({ redis, batchPlacements: true }),
  };
  let n = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, gate] of Object.entries(gates)) {
      const eventId = `batch-${process.pid}-${n++}`;
      await gate.createEvent(spec(eventId));
      await gate.placeHold(command(eventId, 'warm'));
      const redisBefore = cpuSecondsOf(server.pid);
      const before = process.cpuUsage();
      const startedMs = performance.now();
      let placed = 0;
      for (let done = 0; done < PLACEMENTS; done += CONCURRENCY) {
        const outcomes = await Promise.all(
          Array.from({ length: CONCURRENCY }, (_, i) => gate.placeHold(command(eventId, `u${done + i}`))),
        );
        for (const outcome of outcomes) if (outcome.ok) placed += 1;
      }
      const wallMs = performance.now() - startedMs;
      const used = process.cpuUsage(before);
      const redisUs = (cpuSecondsOf(server.pid) - redisBefore) * 1e6;
      const nodeUs = used.user + used.system;
      console.log(
        `round ${round}, ${name}: ${placed} placed in ${wallMs.toFixed(0)} ms (${Math.round((placed / wallMs) * 1000)}/s); ` +
          `CPU µs per placement: this process ${(nodeUs / placed).toFixed(1)}, redis-server ${(redisUs / placed).toFixed(1)}`,
      );
    }
  }
} finally {
  redis.disconnect();
  await server.stop();
}

function spec(id) {
  return {
    id,
    name: 'Batch',
    venue: 'Hall',
    startsAt: '2027-01-01T20:00:00.000Z',
    holdTtlSeconds: 3600,
    maxPerUser: 10,
    pools: [{ id: 'ga', name: 'GA', capacity: 10_000_000, price: 100 }],
    sections: [],
  };
}

function command(eventId, userId) {
  return { eventId, request: { userId, quantity: 1, poolId: 'ga' }, confirm: false, nowMs: 0 };
}

function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'boxoffice-place-batch-'));
  const child = spawn('redis-server', redisServerArgs(port, dir, { appendOnly: true }), { stdio: 'ignore' });
  await waitForPing(port, () => child.exitCode === null);
  return {
    port,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
