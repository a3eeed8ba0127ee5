-- Why an event's gate state cannot be trusted (distributed shape), in a table of its own instead of a column
-- of events (004): a projection batch holds a share lock on its events' rows while it commits, and marking
-- an event lost, which an API request does, must not wait behind a worker stopped in the middle of a batch.
CREATE TABLE IF NOT EXISTS gate_losses (event_id text PRIMARY KEY, reason text NOT NULL);
INSERT INTO gate_losses (event_id, reason)
  SELECT id, gate_lost FROM events WHERE gate_lost IS NOT NULL ON CONFLICT DO NOTHING;
ALTER TABLE events DROP COLUMN IF EXISTS gate_lost;
