-- Expires the due holds of one event: pops them from the expiry set and ends each, in one step, so that
-- every instance may sweep at once and a hold still expires exactly once.
-- What an expiry returns is offered to the waitlist (offers.lua), so a lapsed offer passes to the next in
-- line here. KEYS[9], KEYS[10]: the waitlist's hash and lines.
-- ARGV (script-args.ts, sweepArgs): 1 now, 2 most holds per call, 3 offer hold id seed, 4 offer order token seed.
-- Returns {EVENT_MISSING} | {'swept', expired, earliest remaining expiry (-1: none), now, offer hold json...}.
check_args(ARGV, 4)
if not event_exists() then return { EVENT_MISSING } end
local now = now_ms(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local expired = 0
local returned = {}
for _, hold_id in ipairs(due) do
  local hold_json = redis.call('HGET', KEYS[4], hold_id)
  if hold_json then
    end_hold(hold_id, hold_json, 'hold_expired', now)
    expired = expired + 1
    for _, item in ipairs(cjson.decode(hold_json).items) do returned[#returned + 1] = item end
  else
    redis.call('ZREM', KEYS[5], hold_id)
  end
end
-- Offers once every due hold has ended, so that they do not depend on the order in which holds due at the
-- same instant are taken (a buyer in line may hold one of them).
if #returned > 0 then
  offer_returned({ items = returned }, now, { waitlist = KEYS[9], line = KEYS[10] },
    { hold = ARGV[3], order = ARGV[4] })
end
local first = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
local next_expiry = -1
if first[2] then next_expiry = tonumber(first[2]) end
return { 'swept', expired, next_expiry, now, unpack(offers_made) }
