// The bad-input battery (test/http/bad-input-suite.ts) against the distributed shape: Redis gate, PostgreSQL
// store, in-process projector.
import { describe } from 'vitest';
import { badInputSuite } from '../http/bad-input-suite.js';
import { distributedAvailable, startDistributed } from '../support/distributed.js';

describe.runIf(await distributedAvailable())('distributed shape', () => {
  badInputSuite(() => startDistributed());
});
