// The gates the conformance suite runs against: the memory gate (with an in-memory journal), the Redis gate
// on a private redis-server, and the Redis gate on a private 3-master Redis Cluster. Each fixture can make
// a second gate on the same state (another API instance) and read back the durable log of an event.
import { Cluster, Redis } from 'ioredis';
import type { LogEntry } from '../../src/domain/log-entry.js';
import type { Gate } from '../../src/gate/gate.js';
import type { IdempotencyLimits } from '../../src/gate/memory/idempotency-book.js';
import { MemoryGate } from '../../src/gate/memory/memory-gate.js';
import { eventKeys } from '../../src/gate/redis/keys.js';
import { decodeEntry, entryJsonOf } from '../../src/gate/redis/log-stream.js';
import { RedisGate, type RedisGateOptions } from '../../src/gate/redis/redis-gate.js';
import type { RedisClient } from '../../src/gate/redis/scripts.js';
import { GroupCommit } from '../../src/journal/group-commit.js';
import {
  type RedisCluster,
  type RedisServer,
  redisAvailable,
  startRedis,
  startRedisCluster,
} from '../support/redis-server.js';

export interface GateFixture {
  readonly gate: Gate;
  /** Another gate sharing this one's state, as a second API instance would; undefined for the memory gate. */
  peer(): Gate | undefined;
  /** The event's durable log entries, oldest first. */
  log(eventId: string): Promise<LogEntry[]>;
  /** A gate on the same state whose idempotency bounds are these (small, to see them act). */
  bounded(limits: IdempotencyLimits): Gate;
  /**
   * How many Idempotency-Keys the event remembers. Redis: every structure that keeps them is counted, and
   * they must agree, so that none of them grows unseen.
   */
  idempotencyRecords(eventId: string): Promise<number>;
  close(): Promise<void>;
}

export interface GateKind {
  readonly name: string;
  open(): Promise<GateFixture>;
}

export const memoryGate: GateKind = {
  name: 'memory',
  async open() {
    const written: LogEntry[] = [];
    const journal = new GroupCommit(async (entries) => {
      written.push(...entries);
    });
    const gate = new MemoryGate(journal);
    const bounded: MemoryGate[] = [];
    return {
      gate,
      peer: () => undefined,
      bounded(limits) {
        const other = new MemoryGate(journal, limits);
        bounded.push(other);
        return other;
      },
      async idempotencyRecords(eventId) {
        return [gate, ...bounded].reduce((sum, g) => sum + g.idempotencyRecords(eventId), 0);
      },
      async log(eventId) {
        await journal.sync();
        return written.filter((entry) => entry.eventId === eventId);
      },
      async close() {},
    };
  },
};

export async function readLog(redis: RedisClient, eventId: string): Promise<LogEntry[]> {
  const rows = (await redis.xrange(eventKeys(eventId).log, '-', '+')) as [string, string[]][];
  return rows.map(([, fields]) => decodeEntry(entryJsonOf(fields) as string));
}

async function countIdempotencyRecords(redis: RedisClient, eventId: string): Promise<number> {
  const keys = eventKeys(eventId);
  const records = await redis.hlen(keys.idempotency);
  const aged = await redis.zcard(keys.idempotencyAge);
  const lists = Object.values(await redis.hgetall(keys.idempotencyByBuyer));
  const listed = lists.reduce((sum, list) => sum + list.split('\n').length, 0);
  if (aged !== records || listed !== records)
    throw new Error(`idempotency structures disagree: ${records} records, ${aged} aged, ${listed} listed`);
  return records;
}

function redisFixture(
  clients: RedisClient[],
  options: Partial<RedisGateOptions>,
  stop: () => Promise<void>,
): GateFixture {
  const gates: Gate[] = clients.map((redis) => new RedisGate({ redis, useCommandTime: true, ...options }));
  return {
    gate: gates[0] as Gate,
    peer: () => gates[1],
    log: (eventId) => readLog(clients[0] as RedisClient, eventId),
    bounded: (limits) =>
      new RedisGate({ redis: clients[0] as RedisClient, useCommandTime: true, idempotencyLimits: limits }),
    idempotencyRecords: (eventId) => countIdempotencyRecords(clients[0] as RedisClient, eventId),
    async close() {
      for (const client of clients) client.disconnect();
      await stop();
    },
  };
}

export const redisGate: GateKind = {
  name: 'redis',
  async open() {
    const server: RedisServer = await startRedis();
    const clients = [new Redis(server.url), new Redis(server.url)];
    return redisFixture(clients, {}, () => server.stop());
  },
};

export const redisClusterGate: GateKind = {
  name: 'redis cluster',
  async open() {
    const cluster: RedisCluster = await startRedisCluster();
    const clients = [new Cluster([...cluster.nodes]), new Cluster([...cluster.nodes])];
    return redisFixture(clients, {}, () => cluster.stop());
  },
};

/** The gates to test here: memory always; Redis when redis-server is on PATH (required under CI=true). */
export function gateKinds(): GateKind[] {
  const wanted = (process.env.GATES ?? 'memory,redis,cluster').split(',');
  const kinds: GateKind[] = [];
  if (wanted.includes('memory')) kinds.push(memoryGate);
  const redis = wanted.includes('redis') || wanted.includes('cluster') ? redisAvailable() : false;
  if (redis && wanted.includes('redis')) kinds.push(redisGate);
  if (redis && wanted.includes('cluster')) kinds.push(redisClusterGate);
  return kinds;
}
