// The waiting rooms the queue suites run against: memory, Redis on a private redis-server and Redis on a
// private 3-master Redis Cluster. Each Redis fixture has two rooms on two connections (two API instances).
// Each fixture also reads the log its rooms append admissions to: the memory room's group commit into a
// memory log, the Redis rooms' event streams.
import { Cluster, Redis } from 'ioredis';
import type { LogEntry } from '../../src/domain/log-entry.js';
import { GroupCommit } from '../../src/journal/group-commit.js';
import { type Log, PROJECTION_GROUP } from '../../src/log/log.js';
import { MemoryLog } from '../../src/log/memory/memory-log.js';
import { RedisLog } from '../../src/log/redis/redis-log.js';
import { MemoryWaitingRoom } from '../../src/queue/memory/memory-waiting-room.js';
import { RedisWaitingRoom } from '../../src/queue/redis/redis-waiting-room.js';
import type { WaitingRoom } from '../../src/queue/waiting-room.js';
import { redisAvailable, startRedis, startRedisCluster } from '../support/redis-server.js';

export interface RoomFixture {
  readonly room: WaitingRoom;
  /** Another instance on the same state (the memory room is its own peer: one process). */
  readonly peer: WaitingRoom;
  /** Every entry of the event's log, oldest first (no consumer group has read any). */
  logged(eventId: string): Promise<LogEntry[]>;
  close(): Promise<void>;
}

function entriesOf(log: Log): RoomFixture['logged'] {
  return (eventId) => log.unacknowledged(PROJECTION_GROUP, eventId);
}

export interface RoomKind {
  readonly name: string;
  open(): Promise<RoomFixture>;
}

export const memoryRoom: RoomKind = {
  name: 'memory',
  async open() {
    const log = new MemoryLog();
    const room = new MemoryWaitingRoom(new GroupCommit((entries) => log.append(entries)));
    return { room, peer: room, logged: entriesOf(log), close: async () => {} };
  },
};

function overRedis(clients: (Redis | Cluster)[], stop: () => Promise<void>): RoomFixture {
  const [a, b] = clients.map((redis) => new RedisWaitingRoom({ redis, useCommandTime: true }));
  return {
    room: a as WaitingRoom,
    peer: b as WaitingRoom,
    logged: entriesOf(new RedisLog({ redis: clients[0] as Redis | Cluster })),
    async close() {
      for (const client of clients) client.disconnect();
      await stop();
    },
  };
}

export const redisRoom: RoomKind = {
  name: 'redis',
  async open() {
    const server = await startRedis();
    return overRedis([new Redis(server.url), new Redis(server.url)], () => server.stop());
  },
};

export const clusterRoom: RoomKind = {
  name: 'redis cluster',
  async open() {
    const started = await startRedisCluster();
    return overRedis([new Cluster([...started.nodes]), new Cluster([...started.nodes])], () =>
      started.stop(),
    );
  },
};

/** Memory always; Redis and the cluster when redis-server is on PATH (required under CI=true). */
export function roomKinds(): RoomKind[] {
  const wanted = (process.env.GATES ?? 'memory,redis,cluster').split(',');
  const kinds: RoomKind[] = [];
  if (wanted.includes('memory')) kinds.push(memoryRoom);
  const available = wanted.includes('redis') || wanted.includes('cluster') ? redisAvailable() : false;
  if (available && wanted.includes('redis')) kinds.push(redisRoom);
  if (available && wanted.includes('cluster')) kinds.push(clusterRoom);
  return kinds;
}
