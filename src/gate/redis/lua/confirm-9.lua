-- Confirms a hold: its items become sold and hold_confirmed is appended, in one step.
-- ARGV (script-args.ts, confirmArgs): 1 now, 2 hold id,
-- 3 mode: 'live' (a live, unexpired hold only), 'paid' (a live hold, expired or not: an expired one is
--   confirmed late) or 'expired' (a hold that ended as expired: its items are re-taken from sale if all are
--   still free),
-- 4 amount (-1: none; else it must equal the hold's total), 5 payment reference ('' none),
-- 6 how long a late confirm is remembered (ms), then what mode 'expired' reads ('', 0 or none otherwise):
-- 7 the expired hold's JSON, 8 the event's per-user limit, 9 its seat offsets, comma-separated in item order,
-- 10 n, then n pairs of pool id and capacity.
-- KEYS[9]: sorted set of holds confirmed late, scored by when (read and written in modes 'paid' and 'expired').
-- Returns {EVENT_MISSING} | {'reject', code, detail} | {'confirmed', hold json, now, late (1/0)}.
check_args(ARGV, 10, 2)
if not event_exists() then return { EVENT_MISSING } end
local now = now_ms(ARGV[1])
local hold_id = ARGV[2]
local mode = ARGV[3]
local amount = tonumber(ARGV[4])
local reference = ARGV[5]

-- The payment's part of the entry (and of the ending record's hold), so every reader derives the same order.
local function payment_extra(late)
  local extra = ''
  if reference ~= '' then extra = extra .. ',"paymentReference":' .. cjson.encode(reference) end
  if late then extra = extra .. ',"late":true' end
  return extra
end

-- retake_mark: for a late confirm that took its expired stock back from sale, its sold-out mark ('' when it
-- did not take the last units); nil when the hold's own items were still held by it.
local function finish(hold_json, hold, late, retake_mark)
  local extra = payment_extra(late)
  local retaken = retake_mark and (',"retaken":true' .. retake_mark) or ''
  append('hold_confirmed', hold.eventId, now, hold_json, extra .. retaken)
  record_ending(hold_id, 'confirmed', now, string.sub(hold_json, 1, -2) .. extra .. '}')
  if late then redis.call('ZADD', KEYS[9], now, hold_id) end
  return { 'confirmed', hold_json, int(now), late and 1 or 0 }
end

if mode ~= 'live' then
  redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', now - tonumber(ARGV[6]))
end

local live_json = redis.call('HGET', KEYS[4], hold_id)
if mode == 'expired' and not live_json then
  if redis.call('ZSCORE', KEYS[9], hold_id) then return { 'reject', 'hold_confirmed' } end
  local ended = redis.call('HGET', KEYS[8], hold_id)
  if ended then
    local status = string.match(ended, '^%a+')
    if status == 'confirmed' then return { 'reject', 'hold_confirmed' } end
    if status == 'released' then return { 'reject', 'hold_released' } end
  end
  local hold_json = ARGV[7]
  local hold = cjson.decode(hold_json)
  if amount >= 0 and amount ~= hold.total then return { 'reject', 'amount_mismatch' } end
  local offsets = split_offsets(ARGV[9])
  for _, offset in ipairs(offsets) do
    if redis.call('GETRANGE', KEYS[2], offset, offset) ~= SEAT_FREE then
      return { 'reject', 'hold_expired', 'stock_taken' }
    end
  end
  local wanted = {}
  for _, item in ipairs(hold.items) do
    if item.poolId then wanted[item.poolId] = (wanted[item.poolId] or 0) + item.quantity end
  end
  for i = 11, 10 + 2 * tonumber(ARGV[10]), 2 do
    local c = redis.call('HMGET', KEYS[3], COUNT_POOL .. ARGV[i] .. COUNT_HELD, COUNT_POOL .. ARGV[i] .. COUNT_SOLD)
    local free = tonumber(ARGV[i + 1]) - (tonumber(c[1]) or 0) - (tonumber(c[2]) or 0)
    if free < (wanted[ARGV[i]] or 0) then return { 'reject', 'hold_expired', 'stock_taken' } end
  end
  -- The per-user limit counts live holds and tickets, late ones too: the buyer may hold others by now.
  local used = tonumber(redis.call('HGET', KEYS[6], hold.userId) or '0')
  if used + item_count(hold) > tonumber(ARGV[8]) then return { 'reject', 'limit_exceeded' } end
  local available = move_items(hold, offsets, nil, 'sold', SEAT_SOLD)
  redis.call('HINCRBY', KEYS[6], hold.userId, item_count(hold))
  return finish(hold_json, hold, true, sold_out_mark(available))
end

if not live_json then return { 'reject', 'hold_not_found' } end
local hold = cjson.decode(live_json)
local late = hold.expiresAtMs <= now
if late and mode == 'live' then return { 'reject', 'hold_expired' } end
if amount >= 0 and amount ~= hold.total then return { 'reject', 'amount_mismatch' } end
local offsets = split_offsets(redis.call('HGET', KEYS[4], hold_id .. ':at'))
move_items(hold, offsets, 'held', 'sold', SEAT_SOLD)
redis.call('HDEL', KEYS[4], hold_id, hold_id .. ':at')
redis.call('ZREM', KEYS[5], hold_id)
return finish(live_json, hold, late, nil)
