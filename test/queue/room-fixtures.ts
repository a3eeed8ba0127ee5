// The waiting rooms the queue suites run against: memory, Redis on a private redis-server and Redis on a
// private 3-master Redis Cluster. Each Redis fixture has two rooms on two connections (two API instances).
import { Cluster, Redis } from 'ioredis';
import { MemoryWaitingRoom } from '../../src/queue/memory/memory-waiting-room.js';
import { RedisWaitingRoom } from '../../src/queue/redis/redis-waiting-room.js';
import type { WaitingRoom } from '../../src/queue/waiting-room.js';
import { redisAvailable, startRedis, startRedisCluster } from '../support/redis-server.js';

export interface RoomFixture {
  readonly room: WaitingRoom;
  /** Another instance on the same state (the memory room is its own peer: one process). */
  readonly peer: WaitingRoom;
  close(): Promise<void>;
}

export interface RoomKind {
  readonly name: string;
  open(): Promise<RoomFixture>;
}

export const memoryRoom: RoomKind = {
  name: 'memory',
  async open() {
    const room = new MemoryWaitingRoom();
    return { room, peer: room, close: async () => {} };
  },
};

function overRedis(clients: (Redis | Cluster)[], stop: () => Promise<void>): RoomFixture {
  const [a, b] = clients.map((redis) => new RedisWaitingRoom({ redis, useCommandTime: true }));
  return {
    room: a as WaitingRoom,
    peer: b as WaitingRoom,
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
