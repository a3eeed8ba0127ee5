-- A consistent view of an event for reads and the audit: counts, and the id of the last log entry.
-- ARGV: none. Returns {'missing'} | {'view', counts as [field, value, ...], last log id}.
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local info = redis.call('XINFO', 'STREAM', KEYS[7])
local last = '0-0'
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = info[i + 1] end
end
return { 'view', redis.call('HGETALL', KEYS[3]), last }
