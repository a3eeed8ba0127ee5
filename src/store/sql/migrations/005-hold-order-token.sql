-- The random part of the id of the order a hold becomes, drawn when the hold is placed (domain/ids.ts), so
-- that an order id does not give its hold id nor the other way round. NULL on holds placed before it
-- existed: their orders keep the ids derived from the hold id.
ALTER TABLE holds ADD COLUMN IF NOT EXISTS order_token text;
