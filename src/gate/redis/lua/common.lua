-- Shared by every script of the Redis gate (prepended at load time, after shared.lua). A script's file name
-- ends in the number of KEYS it takes (place-11.lua: 11), which the loader passes (scripts.ts).
-- Keys of one event, in this order:
-- KEYS[1] spec, KEYS[2] seats, KEYS[3] counts, KEYS[4] holds, KEYS[5] expiry, KEYS[6] users, KEYS[7] log,
-- KEYS[8] ended (hash: hold id → '<status> <at ms> <hold json>' until a projector has stored the ending).
-- Seat map bytes: SEAT_FREE, SEAT_HELD, SEAT_SOLD. Counts fields: p:<pool>:held|sold, s:<section>:held|sold,
-- restock (a counter), closed (1 while an admin has closed the event's sales; see update-event-8.lua), specv
-- (how many times the event's definition was changed), epoch (the generation of the event's gate state; its presence marks that this Redis
-- holds the event's state since create-event or load-event wrote it: see rebuild.ts), available (the event's
-- units on sale in all; see event_available).

-- Whether the event has keys in this Redis. A script that needs them and finds none answers
-- { EVENT_MISSING } and nothing else: the one way to say so (replies.ts, isEventMissing).
local function event_exists()
  return redis.call('EXISTS', KEYS[1]) == 1
end

-- A log entry as JSON: the hold is embedded as stored (already JSON), the rest encoded here.
local function entry_json(kind, event_id, at, hold_json, extra)
  return '{"type":"' .. kind .. '","eventId":' .. cjson.encode(event_id) .. ',"atMs":' .. int(at) ..
    ',"hold":' .. hold_json .. (extra or '') .. '}'
end

-- Every entry carries the generation (epoch) of the event's gate state it was decided under: the store
-- refuses entries of an older one (a rebuild started a new one). The counts hash keeps it, written by
-- create-event and load-event; an event created before epochs existed is in epoch 1, as the store says.
local function append(kind, event_id, at, hold_json, extra)
  local epoch = redis.call('HGET', KEYS[3], COUNT_EPOCH) or '1'
  local tail = (extra or '') .. ',"epoch":' .. epoch
  redis.call('XADD', KEYS[7], '*', ENTRY_FIELD, entry_json(kind, event_id, at, hold_json, tail))
end

-- Best available, as domain/best-available.ts: adjacent seats in one row leaving no single seat stranded,
-- else adjacent seats, else the first free seats front rows first. rows: { start, count, id } in order.
-- The chosen seats as { row, offset }, or nil when fewer than quantity are free (place-11.lua, offers.lua).
-- A seat's id from its section, row and offset in the seat map: '<section>-<row>-<number in the row>'.
local function seat_id_at(section_id, row, offset)
  return section_id .. '-' .. row.id .. '-' .. int(offset - row.start + 1)
end

local function best_available(rows, quantity)
  local first, last = rows[1], rows[#rows]
  local map = redis.call('GETRANGE', KEYS[2], first.start, last.start + last.count - 1)
  local picked, fallback = nil, nil
  for _, row in ipairs(rows) do
    local text = string.sub(map, row.start - first.start + 1, row.start - first.start + row.count)
    local pos = 1
    while picked == nil do
      local a, b = string.find(text, SEAT_FREE .. '+', pos)
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
    for i = 0, quantity - 1 do seats[#seats + 1] = { row = picked.row, offset = picked.start + i } end
    return seats
  end
  for _, row in ipairs(rows) do
    for i = 1, row.count do
      if #seats < quantity and string.sub(map, row.start - first.start + i, row.start - first.start + i) == SEAT_FREE then
        seats[#seats + 1] = { row = row, offset = row.start + i - 1 }
      end
    end
  end
  if #seats < quantity then return nil end
  return seats
end

local function section_of(seat_id)
  return string.match(seat_id, '^[^-]+')
end

-- Lets any instance answer for an ended hold before the store has it (the read side lags by the projection).
local function record_ending(hold_id, status, at, hold_json)
  redis.call('HSET', KEYS[8], hold_id, status .. ' ' .. int(at) .. ' ' .. hold_json)
end

-- A live hold by id, or the refusal: not live here, or expired and waiting for the sweeper (confirming or
-- releasing it now is refused, as by the memory gate; the sweeper ends it).
local function live_hold(hold_id, now)
  local hold_json = redis.call('HGET', KEYS[4], hold_id)
  if not hold_json then return nil, nil, { 'reject', 'hold_not_found' } end
  local hold = cjson.decode(hold_json)
  if hold.expiresAtMs <= now then return nil, nil, { 'reject', 'hold_expired' } end
  return hold_json, hold, nil
end

-- The event's units on sale in all, every pool and section, after adding delta (counts field COUNT_AVAILABLE).
-- Where the field is missing (an event created or rebuilt before it existed, or rebuilt since: load-event
-- starts the counts afresh), it is computed here once from the definition and the counters, which already
-- include the move being made, and kept from then on. kept: whether the field is there, when the caller read it
-- in this step already (place-11.lua does, to spare a call on the hot path); nil to look here.
local function event_available(delta, kept)
  if kept == nil then kept = redis.call('HEXISTS', KEYS[3], COUNT_AVAILABLE) == 1 end
  if kept then return redis.call('HINCRBY', KEYS[3], COUNT_AVAILABLE, delta) end
  local spec = cjson.decode(redis.call('GET', KEYS[1]))
  local available, fields = 0, {}
  for _, pool in ipairs(spec.pools) do
    available = available + pool.capacity
    fields[#fields + 1] = COUNT_POOL .. pool.id .. COUNT_HELD
    fields[#fields + 1] = COUNT_POOL .. pool.id .. COUNT_SOLD
  end
  for _, section in ipairs(spec.sections) do
    for _, row in ipairs(section.rows) do available = available + row.seats end
    fields[#fields + 1] = COUNT_SECTION .. section.id .. COUNT_HELD
    fields[#fields + 1] = COUNT_SECTION .. section.id .. COUNT_SOLD
  end
  if #fields > 0 then
    for _, n in ipairs(redis.call('HMGET', KEYS[3], unpack(fields))) do available = available - (tonumber(n) or 0) end
  end
  redis.call('HSET', KEYS[3], COUNT_AVAILABLE, available)
  return available
end

-- The sold-out mark (domain/log-entry.ts SoldOutMark) of the entry of a move that took stock from sale and
-- left `available` units on sale in the event: set when it took the last ones, else nothing.
local function sold_out_mark(available)
  if available == 0 then return ',"' .. ENTRY_SOLD_OUT .. '":true' end
  return ''
end

-- Moves a hold's items between states: seat bytes, pool/section counters, the event's units on sale.
-- from/to are 'held', 'sold' or nil (available); byte is the seat map byte after the move.
-- Returns the event's units on sale after a move from or to sale, else nil; available_kept: as event_available.
local function move_items(hold, offsets, from, to, byte, available_kept)
  local n, units = 0, 0
  for _, item in ipairs(hold.items) do
    units = units + item.quantity
    local field
    if item.seatId then
      n = n + 1
      redis.call('SETRANGE', KEYS[2], offsets[n], byte)
      field = COUNT_SECTION .. section_of(item.seatId)
    else
      field = COUNT_POOL .. item.poolId
    end
    if from then redis.call('HINCRBY', KEYS[3], field .. COUNT_SUFFIX[from], -item.quantity) end
    if to then redis.call('HINCRBY', KEYS[3], field .. COUNT_SUFFIX[to], item.quantity) end
  end
  if from == nil then return event_available(-units, available_kept) end
  if to == nil then return event_available(units, available_kept) end
  return nil
end

local function item_count(hold)
  local n = 0
  for _, item in ipairs(hold.items) do n = n + item.quantity end
  return n
end

local function split_offsets(text)
  local offsets = {}
  if text then
    for part in string.gmatch(text, '[^,]+') do offsets[#offsets + 1] = tonumber(part) end
  end
  return offsets
end

-- Stock came back to sale: the restock counter moves and every instance hears of it (sold-out-guard.ts).
local function announce_restock(event_id)
  local epoch = redis.call('HINCRBY', KEYS[3], COUNT_RESTOCK, 1)
  redis.call('PUBLISH', RESTOCK_CHANNEL, event_id .. ' ' .. int(epoch))
end

-- Ends a live hold as released or expired: its stock returns to sale, and every instance hears of it.
local function end_hold(hold_id, hold_json, kind, at)
  local hold = cjson.decode(hold_json)
  local offsets = split_offsets(redis.call('HGET', KEYS[4], hold_id .. ':at'))
  move_items(hold, offsets, 'held', nil, SEAT_FREE)
  local left = redis.call('HINCRBY', KEYS[6], hold.userId, -item_count(hold))
  if left <= 0 then redis.call('HDEL', KEYS[6], hold.userId) end
  redis.call('HDEL', KEYS[4], hold_id, hold_id .. ':at')
  redis.call('ZREM', KEYS[5], hold_id)
  append(kind, hold.eventId, at, hold_json)
  record_ending(hold_id, kind == 'hold_released' and 'released' or 'expired', at, hold_json)
  announce_restock(hold.eventId)
end

-- Idempotency records, bounded as the memory gate bounds them (gate/memory/idempotency-book.ts). Only the
-- scripts that keep them pass KEYS[9] (hash `<buyer>\n<key>` → `<hold id>\n<fingerprint>\n<placed at ms>`),
-- KEYS[10] (zset of the same members in the order they were recorded: each scores one more than the newest,
-- as equal scores would sort by name) and KEYS[11] (hash buyer → the buyer's keys, oldest first,
-- '\n'-joined). A key is the buyer's own: the same key from another buyer is another member.
local IDEM_PRUNE_BATCH = 16 -- records past retention dropped per placement: more than one, so they never pile up

local function idem_split(text)
  local parts = {}
  if text then
    for part in string.gmatch(text, '[^\n]+') do parts[#parts + 1] = part end
  end
  return parts
end

local function idem_set_buyer_keys(buyer, keys)
  if #keys == 0 then
    redis.call('HDEL', KEYS[11], buyer)
  else
    redis.call('HSET', KEYS[11], buyer, table.concat(keys, '\n'))
  end
end

-- Writes one record as the newest of the event (not touching the buyer's list).
local function idem_write(member, hold_id, fingerprint, at)
  local newest = redis.call('ZRANGE', KEYS[10], -1, -1, 'WITHSCORES')
  local order = newest[2] and tonumber(newest[2]) + 1 or 1
  redis.call('HSET', KEYS[9], member, hold_id .. '\n' .. fingerprint .. '\n' .. int(at))
  redis.call('ZADD', KEYS[10], order, member)
end

-- Forgets one record, given as `<buyer>\n<key>`.
local function idem_forget(member)
  local sep = string.find(member, '\n', 1, true)
  local buyer, key = string.sub(member, 1, sep - 1), string.sub(member, sep + 1)
  redis.call('HDEL', KEYS[9], member)
  redis.call('ZREM', KEYS[10], member)
  local kept = {}
  for _, k in ipairs(idem_split(redis.call('HGET', KEYS[11], buyer))) do
    if k ~= key then kept[#kept + 1] = k end
  end
  idem_set_buyer_keys(buyer, kept)
end

-- The buyer's record of a key: hold id, fingerprint; nil when unknown or past its retention.
local function idem_find(buyer, key, now, retention)
  local member = buyer .. '\n' .. key
  local parts = idem_split(redis.call('HGET', KEYS[9], member))
  if #parts == 0 then return nil end
  if tonumber(parts[3]) + retention <= now then
    idem_forget(member)
    return nil
  end
  return parts[1], parts[2]
end

-- Records a key as the buyer's newest, then forgets what the bounds leave no room for: the buyer's oldest
-- beyond per_buyer, the oldest records past retention, the event's oldest beyond per_event.
local function idem_remember(buyer, key, hold_id, fingerprint, at, retention, per_buyer, per_event)
  local member = buyer .. '\n' .. key
  idem_write(member, hold_id, fingerprint, at)
  local keys = {}
  for _, k in ipairs(idem_split(redis.call('HGET', KEYS[11], buyer))) do
    if k ~= key then keys[#keys + 1] = k end
  end
  keys[#keys + 1] = key
  while #keys > per_buyer do
    local oldest = buyer .. '\n' .. table.remove(keys, 1)
    redis.call('HDEL', KEYS[9], oldest)
    redis.call('ZREM', KEYS[10], oldest)
  end
  idem_set_buyer_keys(buyer, keys)
  -- Recording order is placement order, so the records past retention are the oldest ones.
  for _, old in ipairs(redis.call('ZRANGE', KEYS[10], 0, IDEM_PRUNE_BATCH - 1)) do
    local parts = idem_split(redis.call('HGET', KEYS[9], old))
    if tonumber(parts[3]) + retention > at then break end
    idem_forget(old)
  end
  local excess = redis.call('ZCARD', KEYS[10]) - per_event
  if excess > 0 then
    for _, old in ipairs(redis.call('ZRANGE', KEYS[10], 0, excess - 1)) do idem_forget(old) end
  end
end
