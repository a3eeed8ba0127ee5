// What the Redis adapter talks to: one node or a cluster, as ioredis gives them.
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;
