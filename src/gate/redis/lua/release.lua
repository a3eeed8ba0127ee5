-- Releases a live hold: its stock returns to sale and hold_released is appended, in one step.
-- ARGV: 1 now, 2 hold id, 3 restock channel. Returns {'missing'} | {'reject', code} | {'released', hold json}.
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local now = now_ms(ARGV[1])
local hold_id = ARGV[2]
local hold_json, _, refusal = live_hold(hold_id, now)
if refusal then return refusal end
end_hold(hold_id, hold_json, 'hold_released', now)
return { 'released', hold_json }
