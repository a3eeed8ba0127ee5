// Model-based property test of the Redis gate on a private 3-master Redis Cluster (see redis-harness.ts).
// Fewer runs than on one server: the scripts are the same, what the cluster adds is routing by hash tag.
import { Cluster } from 'ioredis';
import { startRedisCluster } from '../support/redis-server.js';
import { describeRedisModelTest } from './redis-harness.js';

/** About 20 ms a run on a busy 2-core machine, plus ~4 s to start the cluster: 100 runs take ~6 s. */
const RUNS_DEFAULT = 100;

describeRedisModelTest(
  'redis cluster gate',
  async () => {
    const cluster = await startRedisCluster();
    return { client: new Cluster([...cluster.nodes]), stop: () => cluster.stop() };
  },
  Number(process.env.PROPERTY_RUNS_REDIS_CLUSTER ?? RUNS_DEFAULT),
);
