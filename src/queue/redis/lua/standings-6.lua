-- Where each buyer stands; every waiting one is heard from now (a status call or an open live connection).
-- ARGV: 1 now (0: Redis TIME), 2 rate window ms, 3 buyer count n, 4 .. 3 + n the buyers.
-- Returns one entry per buyer: {} when not in the line, else its standing (queue-common.lua).
check_args(ARGV, 3, 1)
local now = now_ms(ARGV[1])
local window = tonumber(ARGV[2])
local has_queue = redis.call('EXISTS', KEYS[1]) == 1
if has_queue then drawn(now, tonumber(redis.call('HGET', KEYS[1], 'salesStartAt'))) end
local result = {}
for i = 1, tonumber(ARGV[3]) do
  local buyer = ARGV[3 + i]
  local member = has_queue and redis.call('HGET', KEYS[4], buyer)
  if member then
    if string.sub(member, 1, 1) == 'w' then redis.call('ZADD', KEYS[3], now, buyer) end
    result[#result + 1] = standing(buyer, member, now, window)
  else
    result[#result + 1] = {}
  end
end
return result
