// Model-based property test of the Redis waiting room on a private 3-master Redis Cluster (see
// room-model-run.ts). Fewer runs than on one server: the scripts are the same, what the cluster adds is
// routing by hash tag.
import { clusterRoom } from '../queue/room-fixtures.js';
import { redisAvailable } from '../support/redis-server.js';
import { describeRoomModelTest } from './room-model-run.js';

/** About 25 ms a run on a busy 2-core machine, plus ~4 s to start the cluster: 60 runs take ~6 s. */
const RUNS_DEFAULT = 60;

describeRoomModelTest(
  clusterRoom,
  Number(process.env.PROPERTY_RUNS_REDIS_CLUSTER ?? RUNS_DEFAULT),
  !redisAvailable(),
);
