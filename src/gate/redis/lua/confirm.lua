-- Confirms a live hold: its items move from held to sold and hold_confirmed is appended, in one step.
-- ARGV: 1 now, 2 hold id. Returns {'missing'} | {'reject', code} | {'confirmed', hold json, now}.
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local now = now_ms(ARGV[1])
local hold_id = ARGV[2]
local hold_json, hold, refusal = live_hold(hold_id, now)
if refusal then return refusal end
local offsets = split_offsets(redis.call('HGET', KEYS[4], hold_id .. ':at'))
move_items(hold, offsets, 'held', 'sold', 's')
redis.call('HDEL', KEYS[4], hold_id, hold_id .. ':at')
redis.call('ZREM', KEYS[5], hold_id)
append('hold_confirmed', hold.eventId, now, hold_json)
record_ending(hold_id, 'confirmed', now, hold_json)
return { 'confirmed', hold_json, int(now) }
