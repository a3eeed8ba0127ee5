-- The generation (epoch) of each event's gate state in Redis (distributed shape). Every log entry the Redis
-- gate writes carries the epoch it was decided under; a rebuild of the event's gate state from the store
-- starts a new epoch here first. A projection batch takes a share lock on its events' rows and refuses the
-- entries of an older epoch, so a worker still holding a batch read before the rebuild can never write
-- behind the rebuild's snapshot (store/epoch-fence.ts, docs/projector.md).
ALTER TABLE events ADD COLUMN IF NOT EXISTS gate_epoch bigint NOT NULL DEFAULT 1;
-- Why the event's gate state cannot be trusted: Redis lost it while the store knew the event (NULL: sound).
-- Sales of the event stop until `boxoffice reconcile` rebuilds it, which clears this.
ALTER TABLE events ADD COLUMN IF NOT EXISTS gate_lost text;
