-- Shared by every waiting room script. KEYS of every script, all under the event's hash tag:
-- 1 settings (hash), 2 line (zset buyer → order: draws in [0, 1) before the start, 1, 2, … after),
-- 3 seen (zset waiting buyer → last heard from, ms), 4 members (hash buyer → `w|<joined>` or
-- `a|<joined>|<pass expiry>`), 5 active (zset buyer → pass expiry), 6 admissions (zset buyer → admitted at);
-- admit-7.lua adds 7, the event's log stream. The constants header and the shared prelude of every
-- boxoffice script (gate/redis/lua/shared.lua: now_ms, int, check_args) come before this file.

-- Whether the early joiners' order is drawn: from the first operation at or after the sales start on, kept
-- in the settings as `drawn`, so that moving the start later afterwards reorders nobody (a newcomer's draw
-- would put it ahead of everyone already in line) and hides no position, as in the memory room.
local function drawn(now, start)
  if redis.call('HGET', KEYS[1], 'drawn') == '1' then return true end
  if now < start then return false end
  redis.call('HSET', KEYS[1], 'drawn', '1')
  return true
end

-- {state, position (-1: none), waiting, joined at, pass expiry (-1: none), admitted in window, now}
local function standing(buyer, member, now, window)
  local waiting = redis.call('ZCARD', KEYS[2])
  local recent = redis.call('ZCOUNT', KEYS[6], '(' .. int(now - window), '+inf')
  local kind, joined, expiry = string.match(member, '^(%a)|(%d+)|?(%d*)$')
  if kind == 'a' then
    return { 'admitted', -1, waiting, joined, expiry, recent, now }
  end
  local flags = redis.call('HMGET', KEYS[1], 'closed', 'soldOut', 'salesStartAt')
  local state = 'waiting'
  if flags[1] == '1' then state = 'closed' elseif flags[2] == '1' then state = 'sold_out' end
  local position = -1
  if drawn(now, tonumber(flags[3])) then position = redis.call('ZRANK', KEYS[2], buyer) + 1 end
  return { state, position, waiting, joined, -1, recent, now }
end
