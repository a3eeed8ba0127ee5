// The stream form of a log entry lives with the log's Redis adapter (log/redis/entry-codec.ts).
export { decodeEntry, entryJsonOf, normaliseHold, withPaymentOf } from '../../log/redis/entry-codec.js';
