-- Places a hold (or, with confirm, a direct order) in one atomic step: idempotency, availability, the
-- user's limit, the state change and the XADD of its log entries. KEYS[9..11]: the idempotency records.
-- ARGV (script-args.ts, placeArgs): 1 now, 2 hold id, 3 order token, 4 event id, 5 user id, 6 ttl ms,
-- 7 max per user, 8 confirm (1/0), 9 idempotency key ('' none), 10 fingerprint ('' none), 11 retention ms,
-- 12 keys per buyer, 13 keys per event, 14 kind (pool|section|seats), 15 quantity, 16 target id (the pool or
-- section; '' for seats), 17 its capacity (-1: no such pool or section), 18 its price, 19 n, then n entries of
-- three — section: a row's start, count, id; seats: a seat's id, offset (-1: no such seat), price; pool: none.
-- Returns {EVENT_MISSING} | {'reject', code, detail, restock epoch, available} | {'replayed', hold id, hold json|false}
-- | {'placed', hold json, now}.
check_args(ARGV, 19, 3)
if not event_exists() then return { EVENT_MISSING } end
local now = now_ms(ARGV[1])
local hold_id, order_token, event_id, user_id = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local confirm = ARGV[8] == '1'
local idem, fingerprint, retention = ARGV[9], ARGV[10], tonumber(ARGV[11])
local kind, quantity = ARGV[14], tonumber(ARGV[15])

if idem ~= '' then
  local known_id, known_fingerprint = idem_find(user_id, idem, now, retention)
  if known_id then
    if known_fingerprint ~= fingerprint then return { 'reject', 'idempotency_key_reused' } end
    return { 'replayed', known_id, redis.call('HGET', KEYS[4], known_id) or false }
  end
end

-- After the idempotency records: a retry of a placement accepted before the sales closed is answered as such.
-- The same read tells whether the counts keep the event's units on sale (move_items below).
local closed_and_available = redis.call('HMGET', KEYS[3], COUNT_CLOSED, COUNT_AVAILABLE)
if closed_and_available[1] == '1' then return { 'reject', 'sales_closed' } end
local available_kept = closed_and_available[2] ~= false

local function free_of(field, capacity)
  local c = redis.call('HMGET', KEYS[3], field .. COUNT_HELD, field .. COUNT_SOLD, COUNT_RESTOCK)
  return capacity - (tonumber(c[1]) or 0) - (tonumber(c[2]) or 0), c[3] or '0'
end

local items, offsets = {}, {}
if kind == 'pool' then
  local pool_id, capacity, price = ARGV[16], tonumber(ARGV[17]), tonumber(ARGV[18])
  if capacity < 0 then return { 'reject', 'pool_not_found' } end
  local free, epoch = free_of(COUNT_POOL .. pool_id, capacity)
  if free < quantity then return { 'reject', 'sold_out', '', epoch, free } end
  items[1] = { poolId = pool_id, quantity = quantity, price = price }
elseif kind == 'section' then
  local section_id, capacity, price, row_count = ARGV[16], tonumber(ARGV[17]), tonumber(ARGV[18]), tonumber(ARGV[19])
  if capacity < 0 then return { 'reject', 'section_not_found' } end
  local free, epoch = free_of(COUNT_SECTION .. section_id, capacity)
  if free < quantity then return { 'reject', 'sold_out', '', epoch, free } end
  local rows = {}
  for r = 1, row_count do
    local base = 19 + (r - 1) * 3
    rows[r] = { start = tonumber(ARGV[base + 1]), count = tonumber(ARGV[base + 2]), id = ARGV[base + 3] }
  end
  local seats = best_available(rows, quantity)
  if seats == nil then return { 'reject', 'sold_out', '', epoch, free } end
  for i, seat in ipairs(seats) do
    items[i] = { seatId = seat_id_at(section_id, seat.row, seat.offset), quantity = 1, price = price }
    offsets[i] = seat.offset
  end
else
  local n = tonumber(ARGV[19])
  for i = 1, n do
    local base = 19 + (i - 1) * 3
    local seat_id, offset, price = ARGV[base + 1], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
    if offset < 0 then return { 'reject', 'seat_not_found', seat_id } end
    if redis.call('GETRANGE', KEYS[2], offset, offset) ~= SEAT_FREE then
      return { 'reject', 'seat_unavailable', seat_id }
    end
    items[i] = { seatId = seat_id, quantity = 1, price = price }
    offsets[i] = offset
  end
  local seen = {}
  for _, offset in ipairs(offsets) do
    if seen[offset] then return { 'reject', 'duplicate_seat' } end
    seen[offset] = true
  end
end

local used = tonumber(redis.call('HGET', KEYS[6], user_id) or '0')
if used + quantity > tonumber(ARGV[7]) then return { 'reject', 'limit_exceeded' } end

local total = 0
for _, item in ipairs(items) do total = total + item.price * item.quantity end
local expires = now + tonumber(ARGV[6])
local hold_json = '{"id":' .. cjson.encode(hold_id) .. ',"eventId":' .. cjson.encode(event_id) ..
  ',"userId":' .. cjson.encode(user_id) .. ',"status":"held","items":' .. cjson.encode(items) ..
  ',"total":' .. int(total) .. ',"createdAtMs":' .. int(now) .. ',"expiresAtMs":' .. int(expires) ..
  ',"orderToken":' .. cjson.encode(order_token) .. '}'
local hold = { items = items }

redis.call('HINCRBY', KEYS[6], user_id, quantity)
local extra = nil
if idem ~= '' then
  idem_remember(user_id, idem, hold_id, fingerprint, now, retention, tonumber(ARGV[12]), tonumber(ARGV[13]))
  extra = ',"idempotencyKey":' .. cjson.encode(idem) .. ',"fingerprint":' .. cjson.encode(fingerprint)
end
-- The stock moves before the entry is written, which carries the sold-out mark when this took the last units
-- (a direct order's placement takes them; its confirmation only moves them from held to sold).
local available
if confirm then
  available = move_items(hold, offsets, nil, 'sold', SEAT_SOLD, available_kept)
else
  available = move_items(hold, offsets, nil, 'held', SEAT_HELD, available_kept)
  redis.call('HSET', KEYS[4], hold_id, hold_json, hold_id .. ':at', table.concat(offsets, ','))
  redis.call('ZADD', KEYS[5], expires, hold_id)
end
append('hold_placed', event_id, now, hold_json, (extra or '') .. sold_out_mark(available))
if confirm then
  append('hold_confirmed', event_id, now, hold_json)
  record_ending(hold_id, 'confirmed', now, hold_json)
end
return { 'placed', hold_json, int(now) }
