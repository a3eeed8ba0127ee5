-- The platform's reference of the payment that confirmed an order (POST /v1/holds/:id/confirm body), and
-- whether the order confirmed a hold after its expiry (a late payment, docs/integration.md). NULL and false
-- on orders made before payments were recorded.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS payment_reference text;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS late boolean NOT NULL DEFAULT false;
