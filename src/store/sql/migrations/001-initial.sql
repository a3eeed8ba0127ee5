-- The read side of boxoffice: events, holds, orders, tickets. Runs unchanged on PGlite and PostgreSQL.
-- Times are epoch milliseconds (bigint): exact, and the same numbers the gate uses.

CREATE TABLE IF NOT EXISTS events (
  id text PRIMARY KEY,
  name text NOT NULL,
  venue text NOT NULL,
  starts_at_ms bigint NOT NULL,
  capacity integer NOT NULL CHECK (capacity >= 0),
  spec jsonb NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_venue ON events (venue, id);

-- One row per hold. A hold is placed once and ends once; `status` moves only away from 'held'.
CREATE TABLE IF NOT EXISTS holds (
  id text PRIMARY KEY,
  event_id text NOT NULL REFERENCES events (id),
  user_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('held', 'confirmed', 'released', 'expired')),
  items jsonb NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  total bigint NOT NULL CHECK (total >= 0),
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  ended_at_ms bigint,
  idempotency_key text,
  fingerprint text
);
CREATE INDEX IF NOT EXISTS holds_by_event_status ON holds (event_id, status);
CREATE INDEX IF NOT EXISTS holds_with_idempotency_key ON holds (created_at_ms) WHERE idempotency_key IS NOT NULL;

-- One order per confirmed hold; its id is derived from the hold id, so projecting it twice is a no-op.
CREATE TABLE IF NOT EXISTS orders (
  id text PRIMARY KEY,
  hold_id text NOT NULL UNIQUE REFERENCES holds (id),
  event_id text NOT NULL REFERENCES events (id),
  user_id text NOT NULL,
  total bigint NOT NULL CHECK (total >= 0),
  ticket_count integer NOT NULL CHECK (ticket_count > 0),
  created_at_ms bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_event ON orders (event_id);

CREATE TABLE IF NOT EXISTS tickets (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders (id),
  event_id text NOT NULL REFERENCES events (id),
  user_id text NOT NULL,
  seat_id text,
  pool_id text,
  price bigint NOT NULL CHECK (price >= 0),
  CHECK ((seat_id IS NULL) <> (pool_id IS NULL))
);
-- The store's own guard against double booking: a second ticket for a seat fails the whole batch.
CREATE UNIQUE INDEX IF NOT EXISTS tickets_one_per_seat ON tickets (event_id, seat_id) WHERE seat_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS tickets_by_event ON tickets (event_id, id);
