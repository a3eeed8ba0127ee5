-- One admission step of an event, safe to run from every instance at once: expires passes, drops waiting
-- buyers not heard from, marks the queue sold out or closed from the stock the caller read from the gate,
-- and admits from the head of the line as far as the rate credit, maxActive and the stock allow. Each
-- admission is appended to the event's log (KEYS[7], the gate's stream under the same hash tag) in this same
-- step, as a `queue_admitted` entry without the pass (a bearer secret; the key derives it from the expiry).
-- ARGV: 1 now (0: Redis TIME), 2 available, 3 held, 4 sales open (1/0), 5 abandon after ms,
-- 6 rate window ms, 7 most per step, 8 passes per available ticket, 9 burst seconds, 10 event id.
-- Returns {QUEUE_MISSING} without a queue, else {abandoned, waiting, active, sold out (1/0), admitted in
-- window, now, buyer, joined at, pass expiry, buyer, …} for the buyers admitted by this step.
check_args(ARGV, 10)
local now = now_ms(ARGV[1])
local s = redis.call('HMGET', KEYS[1], 'salesStartAt', 'admitPerMinute', 'passMinutes', 'maxActive', 'paused',
  'credit', 'creditAt')
if not s[1] then return { QUEUE_MISSING } end
local start, per_minute, pass_minutes, max_active = tonumber(s[1]), tonumber(s[2]), tonumber(s[3]), tonumber(s[4])
local step_max, window = tonumber(ARGV[7]), tonumber(ARGV[6])
local available, held = tonumber(ARGV[2]), tonumber(ARGV[3])
drawn(now, start)

redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now - window)
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. int(now - tonumber(ARGV[5])), 'LIMIT', 0, step_max)
for _, buyer in ipairs(gone) do
  redis.call('ZREM', KEYS[2], buyer)
  redis.call('ZREM', KEYS[3], buyer)
  redis.call('HDEL', KEYS[4], buyer)
end

local closed = ARGV[4] ~= '1'
local sold_out = available == 0 and held == 0
redis.call('HSET', KEYS[1], 'closed', closed and '1' or '0', 'soldOut', sold_out and '1' or '0')

local reply = {}
local credit = tonumber(s[6]) or 0
if s[5] == '1' or now < start or closed or sold_out then
  credit = tonumber(s[6]) or 0
else
  local since = math.max(tonumber(s[7]) or start, start)
  local cap = math.max(1, per_minute * tonumber(ARGV[9]) / 60)
  credit = math.min(cap, credit + (now - since) * per_minute / 60000)
  local active = redis.call('ZCARD', KEYS[5])
  local room = math.min(math.floor(credit), max_active - active, tonumber(ARGV[8]) * available - active, step_max)
  if room > 0 then
    local popped = redis.call('ZPOPMIN', KEYS[2], room)
    local expiry = now + pass_minutes * 60000
    -- A log is born with the projectors' group (as create-event-8.lua makes it), even when admissions start
    -- it.
    if #popped > 0 and redis.call('EXISTS', KEYS[7]) == 0 then
      redis.call('XGROUP', 'CREATE', KEYS[7], PROJECTOR_GROUP, '0', 'MKSTREAM')
    end
    for i = 1, #popped, 2 do
      local buyer = popped[i]
      local joined = string.match(redis.call('HGET', KEYS[4], buyer) or 'w|0', '^w|(%d+)') or '0'
      redis.call('HSET', KEYS[4], buyer, 'a|' .. joined .. '|' .. int(expiry))
      redis.call('ZREM', KEYS[3], buyer)
      redis.call('ZADD', KEYS[5], expiry, buyer)
      redis.call('ZADD', KEYS[6], now, buyer)
      redis.call('XADD', KEYS[7], '*', ENTRY_FIELD, '{"type":"' .. QUEUE_ADMITTED .. '","eventId":' ..
        cjson.encode(ARGV[10]) .. ',"atMs":' .. int(now) .. ',"userId":' .. cjson.encode(buyer) ..
        ',"joinedAtMs":' .. joined .. ',"passExpiresAtMs":' .. int(expiry) .. '}')
      reply[#reply + 1] = buyer
      reply[#reply + 1] = joined
      reply[#reply + 1] = int(expiry)
    end
    credit = credit - #popped / 2
  end
end
redis.call('HSET', KEYS[1], 'credit', tostring(credit), 'creditAt', int(now))
local head = {
  #gone, redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[5]), sold_out and 1 or 0,
  redis.call('ZCOUNT', KEYS[6], '(' .. int(now - window), '+inf'), now,
}
for _, value in ipairs(reply) do head[#head + 1] = value end
return head
