// Model-based property test of the Redis gate on a private redis-server (see redis-harness.ts).
import { Redis } from 'ioredis';
import { startRedis } from '../support/redis-server.js';
import { describeRedisModelTest } from './redis-harness.js';

/** About 9 ms a run on a busy 2-core machine: 500 runs take 4-5 s, shrinking a failure some seconds more. */
const RUNS_DEFAULT = 500;

describeRedisModelTest(
  'redis gate',
  async () => {
    const server = await startRedis();
    return { client: new Redis(server.url), stop: () => server.stop() };
  },
  Number(process.env.PROPERTY_RUNS_REDIS ?? RUNS_DEFAULT),
);
