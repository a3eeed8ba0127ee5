-- API keys (admin and sales credentials) and the indexes of the buyer's own lists (/v1/me/..., /v1/buyers/...).
-- Only the SHA-256 of a key's secret is kept; a revoked key keeps its row so that its id is never reused.
CREATE TABLE IF NOT EXISTS api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'sales')),
  secret_sha256 text NOT NULL,
  created_at_ms bigint NOT NULL,
  revoked_at_ms bigint
);
CREATE INDEX IF NOT EXISTS holds_by_user ON holds (user_id, id);
CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id, id);
