-- Creates an event's keys: its definition, a free seat map, and its log stream with the projectors' group.
-- ARGV (script-args.ts, createEventArgs): 1 spec json, 2 seat count, 3 gate epoch (the store's: 1 for a new event).
-- Returns 1, or 0 when the event exists already.
check_args(ARGV, 3)
if event_exists() then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
local seats = tonumber(ARGV[2])
if seats > 0 then redis.call('SET', KEYS[2], string.rep(SEAT_FREE, seats)) end
redis.call('HSET', KEYS[3], COUNT_RESTOCK, 0, COUNT_EPOCH, ARGV[3])
if redis.call('EXISTS', KEYS[7]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[7], PROJECTOR_GROUP, '0', 'MKSTREAM')
end
return 1
