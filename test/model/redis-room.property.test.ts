// Model-based property test of the Redis waiting room on a private redis-server (see room-model-run.ts),
// each run's calls spread over two connections, as over two API instances.
import { redisRoom } from '../queue/room-fixtures.js';
import { redisAvailable } from '../support/redis-server.js';
import { describeRoomModelTest } from './room-model-run.js';

/** About 15 ms a run on a busy 2-core machine: 200 runs take 3 s. */
const RUNS_DEFAULT = 200;

describeRoomModelTest(redisRoom, Number(process.env.PROPERTY_RUNS_REDIS ?? RUNS_DEFAULT), !redisAvailable());
