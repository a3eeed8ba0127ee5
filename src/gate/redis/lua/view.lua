-- A consistent view of an event: its counts, the id of its last log entry, and, when ARGV[1] names a start
-- id, the log entries from there on (the audit's unprojected tail), all read in one step.
-- Returns {'missing'} | {'view', counts as [field, value, ...], last log id, entries | false}.
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local info = redis.call('XINFO', 'STREAM', KEYS[7])
local last = '0-0'
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = info[i + 1] end
end
local entries = false
if ARGV[1] and ARGV[1] ~= '' then entries = redis.call('XRANGE', KEYS[7], ARGV[1], '+') end
return { 'view', redis.call('HGETALL', KEYS[3]), last, entries }
