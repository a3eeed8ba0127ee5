// Model-based property test of the memory waiting room (see room-model-run.ts).
import { memoryRoom } from '../queue/room-fixtures.js';
import { describeRoomModelTest } from './room-model-run.js';

/** About 10 ms a run on a busy 2-core machine: 200 runs take 2-3 s. */
const RUNS_DEFAULT = 200;

describeRoomModelTest(memoryRoom, Number(process.env.PROPERTY_RUNS ?? RUNS_DEFAULT));
