-- Places a hold (or, with confirm, a direct order) in one atomic step: idempotency, availability, the
-- user's limit, the state change and the XADD of its log entries. KEYS[9]: the idempotency key's string.
-- ARGV: 1 now, 2 hold id, 3 event id, 4 user id, 5 ttl ms, 6 max per user, 7 confirm (1/0),
-- 8 idempotency key ('' none), 9 fingerprint, 10 retention ms, 11 kind (pool|section|seats), 12 quantity,
-- then by kind — pool: 13 pool id, 14 capacity (-1: no such pool), 15 price;
-- section: 13 section id, 14 capacity (-1: no such section), 15 price, 16 rows, then per row start, count, id;
-- seats: 13 n, then per seat: id, offset (-1: no such seat), price.
-- Returns {'missing'} | {'reject', code, detail, restock epoch, available} | {'replayed', hold id, hold json|false}
-- | {'placed', hold json, now}.
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local now = now_ms(ARGV[1])
local hold_id, event_id, user_id = ARGV[2], ARGV[3], ARGV[4]
local confirm = ARGV[7] == '1'
local idem, fingerprint = ARGV[8], ARGV[9]
local kind, quantity = ARGV[11], tonumber(ARGV[12])

if idem ~= '' then
  local known = redis.call('GET', KEYS[9])
  if known then
    local sep = string.find(known, '\n', 1, true)
    if string.sub(known, sep + 1) ~= fingerprint then return { 'reject', 'idempotency_key_reused' } end
    local known_id = string.sub(known, 1, sep - 1)
    return { 'replayed', known_id, redis.call('HGET', KEYS[4], known_id) or false }
  end
end

local function free_of(field, capacity)
  local c = redis.call('HMGET', KEYS[3], field .. ':held', field .. ':sold', 'restock')
  return capacity - (tonumber(c[1]) or 0) - (tonumber(c[2]) or 0), c[3] or '0'
end

local items, offsets = {}, {}
if kind == 'pool' then
  local pool_id, capacity, price = ARGV[13], tonumber(ARGV[14]), tonumber(ARGV[15])
  if capacity < 0 then return { 'reject', 'pool_not_found' } end
  local free, epoch = free_of('p:' .. pool_id, capacity)
  if free < quantity then return { 'reject', 'sold_out', '', epoch, free } end
  items[1] = { poolId = pool_id, quantity = quantity, price = price }
elseif kind == 'section' then
  local section_id, capacity, price, row_count = ARGV[13], tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
  if capacity < 0 then return { 'reject', 'section_not_found' } end
  local free, epoch = free_of('s:' .. section_id, capacity)
  if free < quantity then return { 'reject', 'sold_out', '', epoch, free } end
  local rows = {}
  for r = 1, row_count do
    local base = 16 + (r - 1) * 3
    rows[r] = { start = tonumber(ARGV[base + 1]), count = tonumber(ARGV[base + 2]), id = ARGV[base + 3] }
  end
  local first, last = rows[1], rows[row_count]
  local map = redis.call('GETRANGE', KEYS[2], first.start, last.start + last.count - 1)
  local function seat_at(row, offset)
    return { offset = offset, id = section_id .. '-' .. row.id .. '-' .. int(offset - row.start + 1) }
  end
  -- Best available, as domain/best-available.ts: adjacent seats in one row leaving no single seat stranded,
  -- else adjacent seats, else the first free seats front rows first.
  local picked, fallback = nil, nil
  for _, row in ipairs(rows) do
    local text = string.sub(map, row.start - first.start + 1, row.start - first.start + row.count)
    local pos = 1
    while picked == nil do
      local a, b = string.find(text, '0+', pos)
      if a == nil then break end
      local length = b - a + 1
      if length == quantity or length - quantity >= 2 then
        picked = { row = row, start = row.start + a - 1 }
      elseif length > quantity and fallback == nil then
        fallback = { row = row, start = row.start + a - 1 }
      end
      pos = b + 1
    end
    if picked then break end
  end
  picked = picked or fallback
  local seats = {}
  if picked then
    for i = 0, quantity - 1 do seats[#seats + 1] = seat_at(picked.row, picked.start + i) end
  else
    for _, row in ipairs(rows) do
      for i = 1, row.count do
        if #seats < quantity and string.byte(map, row.start - first.start + i) == 48 then
          seats[#seats + 1] = seat_at(row, row.start + i - 1)
        end
      end
    end
    if #seats < quantity then return { 'reject', 'sold_out', '', epoch, free } end
  end
  for i, seat in ipairs(seats) do
    items[i] = { seatId = seat.id, quantity = 1, price = price }
    offsets[i] = seat.offset
  end
else
  local n = tonumber(ARGV[13])
  for i = 1, n do
    local base = 13 + (i - 1) * 3
    local seat_id, offset, price = ARGV[base + 1], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
    if offset < 0 then return { 'reject', 'seat_not_found', seat_id } end
    if redis.call('GETRANGE', KEYS[2], offset, offset) ~= '0' then
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
if used + quantity > tonumber(ARGV[6]) then return { 'reject', 'limit_exceeded' } end

local total = 0
for _, item in ipairs(items) do total = total + item.price * item.quantity end
local expires = now + tonumber(ARGV[5])
local hold_json = '{"id":' .. cjson.encode(hold_id) .. ',"eventId":' .. cjson.encode(event_id) ..
  ',"userId":' .. cjson.encode(user_id) .. ',"status":"held","items":' .. cjson.encode(items) ..
  ',"total":' .. int(total) .. ',"createdAtMs":' .. int(now) .. ',"expiresAtMs":' .. int(expires) .. '}'
local hold = { items = items }

redis.call('HINCRBY', KEYS[6], user_id, quantity)
local extra = nil
if idem ~= '' then
  redis.call('SET', KEYS[9], hold_id .. '\n' .. fingerprint, 'PX', ARGV[10])
  extra = ',"idempotencyKey":' .. cjson.encode(idem) .. ',"fingerprint":' .. cjson.encode(fingerprint)
end
append('hold_placed', event_id, now, hold_json, extra)
if confirm then
  move_items(hold, offsets, nil, 'sold', 's')
  append('hold_confirmed', event_id, now, hold_json)
  record_ending(hold_id, 'confirmed', now, hold_json)
else
  move_items(hold, offsets, nil, 'held', 'h')
  redis.call('HSET', KEYS[4], hold_id, hold_json, hold_id .. ':at', table.concat(offsets, ','))
  redis.call('ZADD', KEYS[5], expires, hold_id)
end
return { 'placed', hold_json, int(now) }
