-- Webhooks: the endpoints admins register, the outbox of deliveries the `webhooks` log group writes before
-- it acknowledges the log, and every attempt to send one. Idempotent, like every migration (processes
-- starting together may run it twice, see migrate.ts).
-- Signing secrets must sign, so they cannot be hashed: they are kept sealed (AES-256-GCM, webhooks/secret-box.ts).
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id text PRIMARY KEY,
  url text NOT NULL,
  events jsonb NOT NULL,
  description text NOT NULL,
  enabled boolean NOT NULL,
  disabled_reason text,
  secret_sealed text NOT NULL,
  -- After a rotation: the old secret, still used beside the new one until previous_until_ms.
  previous_secret_sealed text,
  previous_until_ms bigint,
  -- The first failure since the last success: an endpoint failing for too long is disabled.
  failing_since_ms bigint,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL
);
-- One row per message to one endpoint; `seq` is the order of sending within an endpoint and a sale event.
-- A replay is a new row with the same message id (the webhook-id), so only originals are unique.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  seq bigserial PRIMARY KEY,
  message_id text NOT NULL,
  replay boolean NOT NULL,
  endpoint_id text NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  body text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL,
  created_at_ms bigint NOT NULL,
  next_attempt_at_ms bigint NOT NULL,
  leased_until_ms bigint,
  last_attempt_at_ms bigint,
  last_response_status integer,
  finished_at_ms bigint
);
CREATE UNIQUE INDEX IF NOT EXISTS webhook_deliveries_original
  ON webhook_deliveries (message_id) WHERE NOT replay;
CREATE INDEX IF NOT EXISTS webhook_deliveries_pending
  ON webhook_deliveries (endpoint_id, event_id, seq) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_due
  ON webhook_deliveries (next_attempt_at_ms) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, seq);
CREATE TABLE IF NOT EXISTS webhook_attempts (
  id bigserial PRIMARY KEY,
  delivery_seq bigint NOT NULL,
  attempt integer NOT NULL,
  started_at_ms bigint NOT NULL,
  duration_ms integer NOT NULL,
  outcome text NOT NULL,
  response_status integer,
  error text
);
CREATE INDEX IF NOT EXISTS webhook_attempts_by_delivery ON webhook_attempts (delivery_seq, attempt);
