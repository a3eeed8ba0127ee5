-- Decides a batch of requests in order. Each request takes one unit from every one of its counters, or
-- from none: a request over any quota is refused and changes nothing. A counter is a fixed window opened by
-- its first request (hash: n taken, e window end ms) and expiring with it, so Redis keeps no counter longer
-- than its window. Several requests of a batch may share a counter: each sees what the ones before took.
-- KEYS: the counters of every request, request after request. Their number depends on the batch, so this
-- file names no key count: ARGV[1] says it, and the script and its loader (redis-counter.ts) hold the call
-- to it. They stay KEYS (not arguments) because Redis, and a Cluster's routing, must see every key a script
-- touches; all carry one hash tag, so a batch is one slot.
-- ARGV: 1 counter count n (= #KEYS), then per counter i (KEYS[i]): 1 + 3i - 2 its request's number (1, 2, …:
-- a request's counters together, requests in order), 1 + 3i - 1 quota (requests per window), 1 + 3i window ms.
-- Returns per request: allowed (1 | 0), then per counter: remaining, reset ms.
check_args(ARGV, 1, 3)
local n = tonumber(ARGV[1])
if #KEYS ~= n then error('expected ' .. n .. ' keys, got ' .. #KEYS) end
-- Requests numbered 1, 2, … in order, checked before anything is written (an error undoes no write).
local previous = 0
for i = 1, n do
  local request = tonumber(ARGV[3 * i - 1])
  if request ~= previous and request ~= previous + 1 or (i == 1 and request ~= 1) then
    error('counter ' .. i .. ' of request ' .. ARGV[3 * i - 1] .. ' out of order')
  end
  previous = request
end
local now = now_ms(0)
local reply = {}
local first = 1
while first <= n do
  -- The counters of one request: first .. last.
  local request = tonumber(ARGV[3 * first - 1])
  local last = first
  while last < n and tonumber(ARGV[3 * last + 2]) == request do last = last + 1 end
  local quotas, taken, ends, fresh = {}, {}, {}, {}
  local allowed = 1
  for i = first, last do
    local state = redis.call('HMGET', KEYS[i], 'n', 'e')
    local count, e = tonumber(state[1]), tonumber(state[2])
    quotas[i] = tonumber(ARGV[3 * i])
    if count == nil or e == nil or e <= now then
      count, e, fresh[i] = 0, now + tonumber(ARGV[3 * i + 1]), true
    end
    taken[i], ends[i] = count, e
    if count >= quotas[i] then allowed = 0 end
  end
  reply[#reply + 1] = allowed
  for i = first, last do
    if allowed == 1 then
      taken[i] = taken[i] + 1
      if fresh[i] then
        redis.call('HSET', KEYS[i], 'n', taken[i], 'e', ends[i])
        redis.call('PEXPIREAT', KEYS[i], ends[i])
      else
        redis.call('HINCRBY', KEYS[i], 'n', 1)
      end
    end
    reply[#reply + 1] = math.max(quotas[i] - taken[i], 0)
    reply[#reply + 1] = ends[i] - now
  end
  first = last + 1
end
return reply
