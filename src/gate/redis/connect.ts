// Connections to the distributed shape's Redis: one node (REDIS_URL) or a Redis Cluster
// (REDIS_CLUSTER_NODES). Commands are never resent after a dropped connection: a script that ran but whose
// reply was lost must not run twice (it would place a second hold); the caller gets 503 gate_unavailable
// and retries with its Idempotency-Key instead.
import { Cluster, type ClusterNode, Redis, type RedisOptions } from 'ioredis';
import type { RedisClient } from './scripts.js';

export interface RedisTarget {
  readonly url?: string;
  /** host:port of cluster nodes; any reachable subset is enough to discover the cluster. */
  readonly clusterNodes?: readonly string[];
}

/** The Redis of a configuration: its URL, or its cluster nodes. */
export function redisTargetOf(config: {
  readonly redisUrl: string;
  readonly redisClusterNodes: readonly string[];
}): RedisTarget {
  return { url: config.redisUrl || undefined, clusterNodes: config.redisClusterNodes };
}

const NODE_OPTIONS: RedisOptions = {
  autoResendUnfulfilledCommands: false,
  maxRetriesPerRequest: 1,
  enableAutoPipelining: false,
  // A request must not wait long for a Redis that is gone; it answers 503 and the client retries.
  commandTimeout: 5_000,
};

export function connectRedis(target: RedisTarget, purpose: string): RedisClient {
  if (target.clusterNodes !== undefined && target.clusterNodes.length > 0) {
    return new Cluster(target.clusterNodes.map(nodeOf), {
      redisOptions: { ...NODE_OPTIONS, connectionName: `boxoffice-${purpose}` },
      enableAutoPipelining: false,
    });
  }
  if (target.url === undefined) throw new Error('Give REDIS_URL or REDIS_CLUSTER_NODES.');
  return new Redis(target.url, { ...NODE_OPTIONS, connectionName: `boxoffice-${purpose}` });
}

/** A connection for pub/sub: it keeps reconnecting and has no per-command limits. */
export function connectSubscriber(target: RedisTarget): Redis {
  const first = target.clusterNodes?.[0];
  const url = first === undefined ? target.url : `redis://${first}`;
  if (url === undefined) throw new Error('Give REDIS_URL or REDIS_CLUSTER_NODES.');
  // Classic pub/sub messages reach every node of a cluster, so one node is enough to listen on.
  return new Redis(url, { connectionName: 'boxoffice-subscriber', maxRetriesPerRequest: null });
}

function nodeOf(hostPort: string): ClusterNode {
  const colon = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) };
}
