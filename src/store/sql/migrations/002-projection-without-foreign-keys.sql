-- The projected tables are written only by the projection, from log entries that each carry the whole hold,
-- in any order and by several workers at once. Foreign keys there cost about a quarter of PostgreSQL's CPU
-- per projected entry (docs/projector.md) and guard nothing the projection does not build by construction;
-- the audit checks what they would have: every order traces to its confirmed hold, every ticket to an
-- existing order (`phantom`). The unique seat index, the store's own guard against double booking, stays.
ALTER TABLE holds DROP CONSTRAINT IF EXISTS holds_event_id_fkey;
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_hold_id_fkey;
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_event_id_fkey;
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_order_id_fkey;
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_event_id_fkey;
