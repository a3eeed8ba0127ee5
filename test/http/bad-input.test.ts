// The bad-input battery (bad-input-suite.ts) against the embedded shape.
import { startEmbedded } from '../support/embedded.js';
import { badInputSuite } from './bad-input-suite.js';

badInputSuite(() => startEmbedded());
