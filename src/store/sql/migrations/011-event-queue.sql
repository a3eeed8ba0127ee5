-- An event's waiting room settings (opensAt, salesStartAt, admitPerMinute, passMinutes, maxActive, paused),
-- beside its definition: NULL for an event that sells without a queue. The line itself lives in the gate's
-- shape (memory or Redis), not here.
ALTER TABLE events ADD COLUMN IF NOT EXISTS queue jsonb;
