// The Redis layout lives with the log's Redis adapter (log/redis/encoding.ts), shared by gate and projector.
export {
  ENTRY_FIELD,
  EVENTS_KEY,
  type EventKeys,
  eventKeys,
  idempotencyKeysOf,
  PROJECTOR_GROUP,
  RESTOCK_CHANNEL,
} from '../../log/redis/encoding.js';
