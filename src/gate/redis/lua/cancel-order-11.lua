-- Cancels the order of a confirmed hold: its items move from sold back to sale, the buyer's count drops and
-- order_cancelled is appended, in one step, and what came back is offered to the waitlist (offers.lua).
-- KEYS[9]: the event's cancelled orders (order id → at ms); KEYS[10], KEYS[11]: the waitlist's hash and lines.
-- ARGV (script-args.ts, cancelOrderArgs): 1 now, 2 hold json (the confirmed hold, as placed), 3 seat offsets
-- (comma-separated), 4 order id, 5 confirmed at ms, 6 offer hold id seed, 7 offer order token seed.
-- Returns {EVENT_MISSING} | {'reject', code} | {'cancelled', at ms, 1 (now) | 0 (before), offer hold json...}.
check_args(ARGV, 7)
if not event_exists() then return { EVENT_MISSING } end
local now = now_ms(ARGV[1])
local hold_json, order_id = ARGV[2], ARGV[4]
local before = redis.call('HGET', KEYS[9], order_id)
if before then return { 'cancelled', before, 0 } end
local hold = cjson.decode(hold_json)
local offsets = split_offsets(ARGV[3])
-- The store says the order is confirmed; its stock must be sold here, or the two disagree: refuse.
for _, offset in ipairs(offsets) do
  if redis.call('GETRANGE', KEYS[2], offset, offset) ~= SEAT_SOLD then return { 'reject', 'order_not_found' } end
end
for _, item in ipairs(hold.items) do
  if item.poolId then
    local sold = tonumber(redis.call('HGET', KEYS[3], COUNT_POOL .. item.poolId .. COUNT_SOLD) or '0')
    if sold < item.quantity then return { 'reject', 'order_not_found' } end
  end
end
move_items(hold, offsets, 'sold', nil, SEAT_FREE)
local left = redis.call('HINCRBY', KEYS[6], hold.userId, -item_count(hold))
if left <= 0 then redis.call('HDEL', KEYS[6], hold.userId) end
redis.call('HSET', KEYS[9], order_id, int(now))
append('order_cancelled', hold.eventId, now, hold_json,
  ',"orderId":' .. cjson.encode(order_id) .. ',"confirmedAtMs":' .. int(tonumber(ARGV[5])))
announce_restock(hold.eventId)
offer_returned(hold, now, { waitlist = KEYS[10], line = KEYS[11] }, { hold = ARGV[6], order = ARGV[7] })
return { 'cancelled', int(now), 1, unpack(offers_made) }
