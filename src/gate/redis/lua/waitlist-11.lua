-- The waitlist of an event (domain/waitlist.ts): join, leave, or read a buyer's place, in one step.
-- KEYS[9]: hash buyer → entry JSON; KEYS[10]: sorted set of `<line>\n<seq, 12 digits>\n<buyer>` members of
-- score 0 (a line, `p:<pool>` or `s:<section>`, is a range in order of joining; offers.lua serves it).
-- KEYS[11]: string, the last seq given (a key of its own, so that a rebuild of the counts keeps the order).
-- ARGV (script-args.ts, waitlistArgs): 1 mode (join | leave | spot), 2 buyer, 3 now (0 for spot), then what a
-- join reads ('' or 0 otherwise): 4 entry id, 5 event id, 6 quantity, 7 line, 8 the line's capacity,
-- 9 most entries of the event.
-- A join or a leave appends its waitlist_joined or waitlist_left entry to the log (KEYS[7]).
-- Returns {EVENT_MISSING} | {'reject', code} | {'joined', entry json, position, created 1/0}
-- | {'left', entry json} | {'spot', entry json, position} | {'none'}.
check_args(ARGV, 9)
if not event_exists() then return { EVENT_MISSING } end
local mode, user_id = ARGV[1], ARGV[2]

local function member_of(entry)
  local line = entry.poolId and (COUNT_POOL .. entry.poolId) or (COUNT_SECTION .. entry.sectionId)
  return line, line .. '\n' .. string.format('%012d', entry.seq) .. '\n' .. entry.userId
end

local function position_of(entry)
  local line, member = member_of(entry)
  return redis.call('ZLEXCOUNT', KEYS[10], '[' .. line .. '\n', '(' .. member) + 1
end

-- The change's log entry: the waitlist entry in place of a hold (domain/log-entry.ts WaitlistChange).
local function append_change(kind, at, entry_json)
  local epoch = redis.call('HGET', KEYS[3], COUNT_EPOCH) or '1'
  local event_id = cjson.decode(entry_json).eventId
  redis.call('XADD', KEYS[7], '*', ENTRY_FIELD, '{"type":"' .. kind .. '","eventId":' .. cjson.encode(event_id) ..
    ',"atMs":' .. int(at) .. ',"entry":' .. entry_json .. ',"epoch":' .. epoch .. '}')
end

local known_json = redis.call('HGET', KEYS[9], user_id)
local known = known_json and cjson.decode(known_json)

if mode == 'spot' then
  if not known then return { 'none' } end
  return { 'spot', known_json, position_of(known) }
end

if mode == 'leave' then
  if not known then return { 'reject', 'waitlist_entry_not_found' } end
  local _, member = member_of(known)
  redis.call('HDEL', KEYS[9], user_id)
  redis.call('ZREM', KEYS[10], member)
  append_change('waitlist_left', now_ms(ARGV[3]), known_json)
  return { 'left', known_json }
end

local now = now_ms(ARGV[3])
local entry_id, event_id, quantity, line = ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
if known then
  local known_line = member_of(known)
  if known_line ~= line or known.quantity ~= quantity then return { 'reject', 'already_waitlisted' } end
  return { 'joined', known_json, position_of(known), 0 }
end
if redis.call('HGET', KEYS[3], COUNT_CLOSED) == '1' then return { 'reject', 'sales_closed' } end
local c = redis.call('HMGET', KEYS[3], line .. COUNT_HELD, line .. COUNT_SOLD)
local free = tonumber(ARGV[8]) - (tonumber(c[1]) or 0) - (tonumber(c[2]) or 0)
if free >= quantity then return { 'reject', 'not_sold_out' } end
if redis.call('HLEN', KEYS[9]) >= tonumber(ARGV[9]) then return { 'reject', 'waitlist_full' } end
local seq = redis.call('INCR', KEYS[11])
local target = string.sub(line, 1, 1) == 'p' and ',"poolId":' or ',"sectionId":'
local entry_json = '{"id":' .. cjson.encode(entry_id) .. ',"eventId":' .. cjson.encode(event_id) ..
  ',"userId":' .. cjson.encode(user_id) .. ',"quantity":' .. int(quantity) .. target ..
  cjson.encode(string.sub(line, 3)) .. ',"joinedAtMs":' .. int(now) .. ',"seq":' .. int(seq) .. '}'
redis.call('HSET', KEYS[9], user_id, entry_json)
redis.call('ZADD', KEYS[10], 0, line .. '\n' .. string.format('%012d', seq) .. '\n' .. user_id)
append_change('waitlist_joined', now, entry_json)
return { 'joined', entry_json, position_of(cjson.decode(entry_json)), 1 }
