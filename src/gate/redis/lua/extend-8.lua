-- Extends a live hold: its expiry moves to now + the asked time (never earlier than it is), within the
-- event's longest hold life from placement, and hold_extended is appended, in one step. The expiry set gets
-- the new score, so every sweeper sees it.
-- ARGV (script-args.ts, extendArgs): 1 now, 2 hold id, 3 extension ms, 4 longest hold life ms (from placement).
-- Returns {EVENT_MISSING} | {'reject', code} | {'extended', hold json}.
check_args(ARGV, 4)
if not event_exists() then return { EVENT_MISSING } end
local now = now_ms(ARGV[1])
local hold_id = ARGV[2]
local hold_json, hold, refusal = live_hold(hold_id, now)
if refusal then return refusal end
local wanted = math.max(hold.expiresAtMs, now + tonumber(ARGV[3]))
if wanted > hold.createdAtMs + tonumber(ARGV[4]) then return { 'reject', 'hold_extension_limit' } end
if wanted == hold.expiresAtMs then return { 'extended', hold_json } end
-- The hold JSON is written by place-11.lua with integer fields; only the expiry changes.
local extended = string.gsub(hold_json, '"expiresAtMs":%d+', '"expiresAtMs":' .. int(wanted), 1)
redis.call('HSET', KEYS[4], hold_id, extended)
redis.call('ZADD', KEYS[5], wanted, hold_id)
append('hold_extended', hold.eventId, now, extended, ',"previousExpiresAtMs":' .. int(hold.expiresAtMs))
return { 'extended', extended }
