// Measures what one remembered Idempotency-Key costs in each gate, to back the bounds in domain/limits.ts:
// `node --expose-gc dist/tools/bench/idempotency-memory.js [records]` (default 50,000; at most the per-event bound).
// Each record is one keyed hold by its own buyer, then released, so that only the key stays behind. Buyer
// ids and keys have a realistic length (a 12-character user id, a 36-character UUID key).
// - memory gate: V8 heap after a full GC, a keyed run minus an unkeyed run of the same holds, per record;
// - Redis gate: MEMORY USAGE of the three keys that keep the records (a private redis-server), per record.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { IDEMPOTENCY_KEYS_PER_EVENT_MAX } from '../../src/domain/limits.js';
import type { EventSpec } from '../../src/domain/types.js';
import type { Gate } from '../../src/gate/gate.js';
import { MemoryGate } from '../../src/gate/memory/memory-gate.js';
import { eventKeys } from '../../src/gate/redis/keys.js';
import { RedisGate } from '../../src/gate/redis/redis-gate.js';
import { GroupCommit } from '../../src/journal/group-commit.js';
import { childEnvironment } from '../harness/child-env.js';
import { removeTemporaryDir, temporaryDir } from '../harness/processes.js';
import { startPrivateRedis } from '../harness/redis-server.js';

const DEFAULT_RECORDS = 50_000;
const EVENT_ID = 'idem-memory';
const SPEC: EventSpec = {
  id: EVENT_ID,
  name: 'Idempotency memory',
  venue: 'Bench',
  startsAt: '2027-01-01T20:00:00.000Z',
  holdTtlSeconds: 300,
  maxPerUser: 10,
  pools: [{ id: 'ga', name: 'GA', capacity: 1_000_000, price: 100 }],
  sections: [],
};

const gc = (globalThis as { gc?: () => void }).gc;

async function cycle(gate: Gate, records: number, keyed: boolean): Promise<void> {
  for (let i = 0; i < records; i++) {
    const outcome = await gate.placeHold({
      eventId: EVENT_ID,
      request: { userId: `buyer-${String(i).padStart(6, '0')}`, quantity: 1, poolId: 'ga' },
      idempotencyKey: keyed ? randomUUID() : undefined,
      confirm: false,
      nowMs: Date.now(),
    });
    if (!outcome.ok || outcome.kind !== 'placed') throw new Error(`not placed: ${JSON.stringify(outcome)}`);
    await outcome.durable;
    await gate.releaseHold(outcome.hold.id, Date.now());
  }
}

/** Heap bytes a memory gate keeps after `records` hold+release cycles, after a full GC. */
async function memoryGateHeap(records: number, keyed: boolean): Promise<number> {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const gate = new MemoryGate(new GroupCommit(async () => {}));
  await gate.createEvent(SPEC);
  await cycle(gate, records, keyed);
  gc?.();
  const kept = process.memoryUsage().heapUsed - before;
  if (keyed && gate.idempotencyRecords(EVENT_ID) !== records) throw new Error('records were evicted');
  return kept;
}

async function redisBytes(records: number): Promise<number> {
  const dir = temporaryDir('boxoffice-idem-memory-');
  const redisDir = join(dir, 'redis');
  mkdirSync(redisDir);
  const server = await startPrivateRedis(redisDir, childEnvironment(process.env));
  const redis = new Redis(server.url);
  try {
    const gate = new RedisGate({ redis });
    await gate.createEvent(SPEC);
    await cycle(gate, records, true);
    const keys = eventKeys(EVENT_ID);
    let total = 0;
    for (const key of [keys.idempotency, keys.idempotencyAge, keys.idempotencyByBuyer])
      total += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    return total;
  } finally {
    redis.disconnect();
    server.child.process.kill('SIGKILL');
    await server.child.exited;
    removeTemporaryDir(dir);
  }
}

async function main(): Promise<void> {
  const records = Math.min(Number(process.argv[2] ?? DEFAULT_RECORDS), IDEMPOTENCY_KEYS_PER_EVENT_MAX);
  if (gc === undefined) throw new Error('Run with node --expose-gc, so that heap figures follow a full GC.');
  const unkeyed = await memoryGateHeap(records, false);
  const keyed = await memoryGateHeap(records, true);
  const memoryPerRecord = (keyed - unkeyed) / records;
  const redisPerRecord = (await redisBytes(records)) / records;
  const full = (bytes: number) => ((bytes * IDEMPOTENCY_KEYS_PER_EVENT_MAX) / 2 ** 20).toFixed(1);
  const lines = [
    `records: ${records} (one keyed hold + release per buyer)`,
    `memory gate: ${memoryPerRecord.toFixed(0)} B per record (heap after GC, keyed minus unkeyed run)`,
    `redis gate: ${redisPerRecord.toFixed(0)} B per record (MEMORY USAGE of the three idempotency keys)`,
    `a full event (${IDEMPOTENCY_KEYS_PER_EVENT_MAX} records): memory gate ${full(memoryPerRecord)} MiB, redis ${full(redisPerRecord)} MiB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
