-- Releases a live hold: its stock returns to sale and hold_released is appended, in one step, and what came
-- back is offered to the waitlist (offers.lua). KEYS[9], KEYS[10]: the waitlist's hash and lines.
-- ARGV (script-args.ts, releaseArgs): 1 now, 2 hold id, 3 offer hold id seed, 4 offer order token seed.
-- Returns {EVENT_MISSING} | {'reject', code} | {'released', hold json, offer hold json...}.
check_args(ARGV, 4)
if not event_exists() then return { EVENT_MISSING } end
local now = now_ms(ARGV[1])
local hold_id = ARGV[2]
local hold_json, _, refusal = live_hold(hold_id, now)
if refusal then return refusal end
end_hold(hold_id, hold_json, 'hold_released', now)
offer_returned(cjson.decode(hold_json), now, { waitlist = KEYS[9], line = KEYS[10] },
  { hold = ARGV[3], order = ARGV[4] })
return { 'released', hold_json, unpack(offers_made) }
