-- Decides a batch of requests in order. Each request takes one unit from every one of its counters, or
-- from none: a request over any quota is refused and changes nothing. A counter is a fixed window opened by
-- its first request (hash: n taken, e window end ms) and expiring with it, so Redis keeps no counter longer
-- than its window. Several requests of a batch may share a counter: each sees what the ones before took.
-- KEYS: the counters of every request, request after request.
-- ARGV: per request, its counter count c, then per counter: quota (requests per window), window (ms).
-- Returns per request: allowed (1 | 0), then per counter: remaining, reset ms.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local reply = {}
local k, a = 1, 1
while a <= #ARGV do
  local c = tonumber(ARGV[a])
  local quotas, taken, ends, fresh = {}, {}, {}, {}
  local allowed = 1
  for i = 1, c do
    local state = redis.call('HMGET', KEYS[k + i - 1], 'n', 'e')
    local n, e = tonumber(state[1]), tonumber(state[2])
    quotas[i] = tonumber(ARGV[a + 2 * i - 1])
    if n == nil or e == nil or e <= now then
      n, e, fresh[i] = 0, now + tonumber(ARGV[a + 2 * i]), true
    end
    taken[i], ends[i] = n, e
    if n >= quotas[i] then allowed = 0 end
  end
  reply[#reply + 1] = allowed
  for i = 1, c do
    local key = KEYS[k + i - 1]
    if allowed == 1 then
      taken[i] = taken[i] + 1
      if fresh[i] then
        redis.call('HSET', key, 'n', taken[i], 'e', ends[i])
        redis.call('PEXPIREAT', key, ends[i])
      else
        redis.call('HINCRBY', key, 'n', 1)
      end
    end
    reply[#reply + 1] = math.max(quotas[i] - taken[i], 0)
    reply[#reply + 1] = ends[i] - now
  end
  k, a = k + c, a + 1 + 2 * c
end
return reply
