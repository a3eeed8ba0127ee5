-- Why an event's gate state cannot be trusted (distributed shape), in a table of its own instead of a column
-- of events (004): a projection batch holds a share lock on its events' rows while it commits, and marking
-- an event lost, which an API request does, must not wait behind a worker stopped in the middle of a batch.
-- Idempotent, like every migration (processes starting together may run it twice, see migrate.ts): the old
-- column is emptied, not dropped, so a second run copies nothing.
CREATE TABLE IF NOT EXISTS gate_losses (event_id text PRIMARY KEY, reason text NOT NULL);
INSERT INTO gate_losses (event_id, reason)
  SELECT id, gate_lost FROM events WHERE gate_lost IS NOT NULL ON CONFLICT DO NOTHING;
UPDATE events SET gate_lost = NULL WHERE gate_lost IS NOT NULL;
