-- Places several holds of one event in one call. Loaded after place-11.lua wrapped as the function
-- `place_one(ARGV)` (see scripts.ts), so each placement is decided exactly as place-11.lua decides it, in the
-- order given, and sees the effects of the ones before it. KEYS: as place-11.lua.
-- ARGV (script-args.ts, placeBatchArgs): 1 n, then n placements, each as its argument count, then
-- place-11.lua's ARGV.
-- Returns one reply per placement, each as place-11.lua returns it, or {'error', message} when that placement
-- raised an error (what it changed before the error stays, as with place-11.lua called alone; the others go on).
local n = tonumber(ARGV[1])
local at = 2
for _ = 1, n do at = at + tonumber(ARGV[at]) + 1 end
if at - 1 ~= #ARGV then error('expected ' .. (at - 1) .. ' arguments, got ' .. #ARGV) end
local replies = {}
at = 2
for i = 1, n do
  local count = tonumber(ARGV[at])
  local args = {}
  for j = 1, count do args[j] = ARGV[at + j] end
  at = at + count + 1
  local ok, reply = pcall(place_one, args)
  if ok then
    replies[i] = reply
  else
    replies[i] = { 'error', type(reply) == 'table' and tostring(reply.err) or tostring(reply) }
  end
end
return replies
