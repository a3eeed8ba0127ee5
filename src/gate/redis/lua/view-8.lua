-- A consistent view of an event: its counts and, when ARGV[1] names a start id, its log entries from there
-- on (the audit's unprojected tail), both read in one step.
-- ARGV (script-args.ts, viewArgs): 1 the tail's start id ('' for none).
-- Returns {EVENT_MISSING} | {'view', counts as [field, value, ...], entries | false}.
check_args(ARGV, 1)
if not event_exists() then return { EVENT_MISSING } end
local entries = false
if ARGV[1] ~= '' then entries = redis.call('XRANGE', KEYS[7], ARGV[1], '+') end
return { 'view', redis.call('HGETALL', KEYS[3]), entries }
