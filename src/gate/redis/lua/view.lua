-- A consistent view of an event: its counts and, when ARGV[1] names a start id, its log entries from there
-- on (the audit's unprojected tail), both read in one step.
-- Returns {'missing'} | {'view', counts as [field, value, ...], entries | false}.
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local entries = false
if ARGV[1] and ARGV[1] ~= '' then entries = redis.call('XRANGE', KEYS[7], ARGV[1], '+') end
return { 'view', redis.call('HGETALL', KEYS[3]), entries }
