-- Joins a buyer to the event's line, or finds it there (joining again keeps the place).
-- ARGV: 1 buyer, 2 draw in [0, 1) (orders the early joiners), 3 now (0: Redis TIME), 4 rate window ms.
-- Returns {QUEUE_MISSING} without a queue, {QUEUE_NOT_OPEN} before it opens, else the standing
-- (queue-common.lua).
check_args(ARGV, 4)
local now = now_ms(ARGV[3])
local times = redis.call('HMGET', KEYS[1], 'opensAt', 'salesStartAt')
if not times[1] then return { QUEUE_MISSING } end
local buyer = ARGV[1]
local member = redis.call('HGET', KEYS[4], buyer)
if not member then
  if now < tonumber(times[1]) then return { QUEUE_NOT_OPEN } end
  if not drawn(now, tonumber(times[2])) then
    redis.call('ZADD', KEYS[2], ARGV[2], buyer)
  else
    redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[1], 'seq', 1), buyer)
  end
  member = 'w|' .. int(now)
  redis.call('HSET', KEYS[4], buyer, member)
end
if string.sub(member, 1, 1) == 'w' then redis.call('ZADD', KEYS[3], now, buyer) end
return standing(buyer, member, now, tonumber(ARGV[4]))
