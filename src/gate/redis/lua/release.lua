-- Releases a live hold: its stock returns to sale and hold_released is appended, in one step.
-- ARGV: 1 now, 2 hold id, 3 restock channel. Returns {'missing'} | {'reject', code} | {'released', hold json}.
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local now = now_ms(ARGV[1])
local hold_id = ARGV[2]
local hold_json = redis.call('HGET', KEYS[4], hold_id)
if not hold_json then return { 'reject', 'hold_not_found' } end
local hold = cjson.decode(hold_json)
if hold.expiresAtMs <= now then return { 'reject', 'hold_expired' } end
end_hold(hold_id, hold_json, 'hold_released', now)
return { 'released', hold_json }
