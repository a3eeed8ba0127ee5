-- The waitlist (domain/waitlist.ts), projected from waitlist_joined and waitlist_left entries and from the
-- hold_placed entries of offers: one row per entry, ended once (left or offered) and never reopened. The
-- embedded shape's gate rebuilds its lines at start from the rows not ended, in order of seq.
-- Idempotent, like every migration (processes starting together may run it twice, see migrate.ts).
CREATE TABLE IF NOT EXISTS waitlist_entries (
  id text PRIMARY KEY,
  event_id text NOT NULL,
  user_id text NOT NULL,
  quantity integer NOT NULL,
  pool_id text,
  section_id text,
  joined_at_ms bigint NOT NULL,
  seq bigint NOT NULL,
  ended text,
  ended_at_ms bigint
);
CREATE INDEX IF NOT EXISTS waitlist_entries_waiting ON waitlist_entries (event_id, seq) WHERE ended IS NULL;
