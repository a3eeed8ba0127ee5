-- An admin's change of an event: its definition (new name, venue or start time; the layout is the same) and,
-- when given, whether its sales are open. `specv` in the counts counts the changes, so that every instance
-- knows to read the definition again (redis-gate.ts, view); `closed` is read by place-11.lua.
-- ARGV (script-args.ts, updateEventArgs): 1 spec json, 2 sales open ('1' open, '0' closed, '' unchanged).
-- Returns {EVENT_MISSING} | {'updated'}.
check_args(ARGV, 2)
if not event_exists() then return { EVENT_MISSING } end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HINCRBY', KEYS[3], COUNT_SPEC_VERSION, 1)
if ARGV[2] == '0' then redis.call('HSET', KEYS[3], COUNT_CLOSED, 1) end
if ARGV[2] == '1' then redis.call('HDEL', KEYS[3], COUNT_CLOSED) end
return { 'updated' }
