-- Shared by every Lua script of boxoffice: the gate's, the waiting room's and the rate limiter's (prepended
-- at load time after the constants header, gate/redis/scripts.ts sharedPrelude). It reads no key.

-- Time comes from Redis, so that every instance shares one clock; tests may pass an explicit time.
local function now_ms(given)
  local explicit = tonumber(given)
  if explicit ~= nil and explicit > 0 then return explicit end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function int(n)
  return string.format('%d', n)
end

-- Every script's arguments are fixed, as its header lists them: args must hold exactly `fixed` of them, or,
-- with tail_width, the last fixed one counts the entries of tail_width arguments that follow. A caller
-- out of step with the script fails here instead of being read wrongly (each script has one argument builder).
local function check_args(args, fixed, tail_width)
  local expected = fixed
  if tail_width then expected = fixed + tail_width * (tonumber(args[fixed]) or 0) end
  if #args ~= expected then
    error('expected ' .. expected .. ' arguments, got ' .. #args)
  end
end
