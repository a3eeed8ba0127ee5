-- Takes one request from every counter of KEYS, or from none: a request over any quota is refused and
-- changes nothing. A counter is a fixed window opened by its first request (hash: n taken, e window end ms),
-- expiring with its window, so Redis keeps no counter longer than its window.
-- KEYS: 1..n counters. ARGV: per counter i, ARGV[2i-1] quota (requests per window), ARGV[2i] window (ms).
-- Returns {allowed (1 | 0), remaining_1, reset_ms_1, ..., remaining_n, reset_ms_n}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local taken, ends, fresh = {}, {}, {}
local allowed = 1
for i, key in ipairs(KEYS) do
  local state = redis.call('HMGET', key, 'n', 'e')
  local n, e = tonumber(state[1]), tonumber(state[2])
  if n == nil or e == nil or e <= now then
    n, e, fresh[i] = 0, now + tonumber(ARGV[2 * i]), true
  end
  taken[i], ends[i] = n, e
  if n >= tonumber(ARGV[2 * i - 1]) then allowed = 0 end
end
local reply = { allowed }
for i, key in ipairs(KEYS) do
  if allowed == 1 then
    taken[i] = taken[i] + 1
    if fresh[i] then
      redis.call('HSET', key, 'n', taken[i], 'e', ends[i])
      redis.call('PEXPIREAT', key, ends[i])
    else
      redis.call('HINCRBY', key, 'n', 1)
    end
  end
  reply[#reply + 1] = math.max(tonumber(ARGV[2 * i - 1]) - taken[i], 0)
  reply[#reply + 1] = ends[i] - now
end
return reply
