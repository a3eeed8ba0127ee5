-- Orders can be cancelled: the order keeps its row with its status and the time of the cancellation, and its
-- tickets stay as void. A void ticket no longer holds its seat, so the seat may be sold again: the one ticket
-- per seat rule holds among the tickets that are not void.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'confirmed'
  CHECK (status IN ('confirmed', 'cancelled'));
ALTER TABLE orders ADD COLUMN IF NOT EXISTS cancelled_at_ms bigint;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS voided boolean NOT NULL DEFAULT false;
DROP INDEX IF EXISTS tickets_one_per_seat;
CREATE UNIQUE INDEX IF NOT EXISTS tickets_one_per_seat ON tickets (event_id, seat_id)
  WHERE seat_id IS NOT NULL AND NOT voided;
-- Whether the event takes new holds and orders; the gates keep it too and decide with it.
ALTER TABLE events ADD COLUMN IF NOT EXISTS sales_open boolean NOT NULL DEFAULT true;
-- Gates load the cancelled orders at every start (they are never cancelled again): few, so a partial index.
CREATE INDEX IF NOT EXISTS orders_cancelled ON orders (event_id) WHERE status = 'cancelled';
