-- An event's seat map and its version, read in one step so that the bytes are those of the version.
-- The version is when the event's keys were last loaded from the store (empty for an event never rebuilt)
-- and the last id ever added to its log stream (XINFO's, which trimming does not lower): every script that
-- changes a seat XADDs in the same step, and every rebuild or reconcile writes a new load time.
-- KEYS: the event's script keys (1 spec, 2 seats, 3 counts, 7 log read here).
-- ARGV (script-args.ts, seatMapArgs): 1 the version the caller holds ('' for none).
-- Returns {EVENT_MISSING} | {'seats', version, seat map | false when the caller's version is still current}.
check_args(ARGV, 1)
if not event_exists() then return { EVENT_MISSING } end
local loaded = redis.call('HGET', KEYS[3], COUNT_LOADED) or ''
local last = '0-0'
if redis.call('EXISTS', KEYS[7]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[7])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then
      last = info[i + 1]
      break
    end
  end
end
local version = loaded .. '/' .. last
if version == ARGV[1] then return { 'seats', version, false } end
return { 'seats', version, redis.call('GET', KEYS[2]) or '' }
