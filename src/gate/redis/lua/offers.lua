-- Waitlist offers (domain/waitlist.ts), included after common.lua by the scripts that return stock to sale
-- (release, sweep, cancel-order). Stock an ending returned goes, in the same script, to the first buyers in
-- line whose requests fit: each offer is a hold placed for that buyer with the event's offer claim window,
-- and its hold_placed entry carries the waitlist entry it served, which leaves the line.
-- The waitlist keys are the calling script's (waitlist-11.lua documents them): a hash buyer → entry JSON, and
-- a sorted set of `<line>\n<seq, 12 digits>\n<buyer>` members, all of score 0, so that one line (`p:<pool>`
-- or `s:<section>`) is a range of members in order of joining.
-- Offer ids: no randomness in a script, so the caller passes two random seeds per call (hold id, order
-- token); the n-th offer of the call gets `<seed>-<n>`, unguessable as the seeds are.

local OFFER_SCAN_MAX = 64 -- domain/limits.ts WAITLIST_OFFER_SCAN_MAX: buyers looked at per offer
local OFFER_TTL_SECONDS_DEFAULT = 600 -- domain/limits.ts: events created before offers had no offerTtlSeconds

local offers_made = {}

-- The rows of a section as offsets in the seat map (definition order), and its price.
local function offer_section_rows(spec, section_id)
  local start = 0
  for _, section in ipairs(spec.sections) do
    local rows = {}
    for _, row in ipairs(section.rows) do
      rows[#rows + 1] = { start = start, count = row.seats, id = tostring(row.id) }
      start = start + row.seats
    end
    if section.id == section_id then return rows, section.price end
  end
  return nil, nil
end

-- What the entry's buyer would get now, as a placement would choose it; nil when it does not fit.
local function offer_items(spec, entry)
  if entry.poolId then
    for _, pool in ipairs(spec.pools) do
      if pool.id == entry.poolId then
        local c = redis.call('HMGET', KEYS[3], COUNT_POOL .. pool.id .. COUNT_HELD, COUNT_POOL .. pool.id .. COUNT_SOLD)
        local free = pool.capacity - (tonumber(c[1]) or 0) - (tonumber(c[2]) or 0)
        if free < entry.quantity then return nil end
        return { { poolId = pool.id, quantity = entry.quantity, price = pool.price } }, {}
      end
    end
    return nil
  end
  local rows, price = offer_section_rows(spec, entry.sectionId)
  if rows == nil or #rows == 0 then return nil end
  local seats = best_available(rows, entry.quantity)
  if seats == nil then return nil end
  local items, offsets = {}, {}
  for i, seat in ipairs(seats) do
    items[i] = { seatId = seat_id_at(entry.sectionId, seat.row, seat.offset), quantity = 1, price = price }
    offsets[i] = seat.offset
  end
  return items, offsets
end

-- Places the offer hold for an entry, in the same way place-11.lua places a hold, and takes the entry out.
local function make_offer(entry_json, entry, member, items, offsets, at, ttl_ms, keys, seeds)
  local n = #offers_made + 1
  local hold_id = 'h.' .. entry.eventId .. '.' .. seeds.hold .. '-' .. int(n)
  local total = 0
  for _, item in ipairs(items) do total = total + item.price * item.quantity end
  local hold_json = '{"id":' .. cjson.encode(hold_id) .. ',"eventId":' .. cjson.encode(entry.eventId) ..
    ',"userId":' .. cjson.encode(entry.userId) .. ',"status":"held","items":' .. cjson.encode(items) ..
    ',"total":' .. int(total) .. ',"createdAtMs":' .. int(at) .. ',"expiresAtMs":' .. int(at + ttl_ms) ..
    ',"orderToken":' .. cjson.encode(seeds.order .. '-' .. int(n)) .. '}'
  local available = move_items({ items = items }, offsets, nil, 'held', SEAT_HELD)
  redis.call('HINCRBY', KEYS[6], entry.userId, entry.quantity)
  redis.call('HSET', KEYS[4], hold_id, hold_json, hold_id .. ':at', table.concat(offsets, ','))
  redis.call('ZADD', KEYS[5], at + ttl_ms, hold_id)
  redis.call('HDEL', keys.waitlist, entry.userId)
  redis.call('ZREM', keys.line, member)
  append('hold_placed', entry.eventId, at, hold_json, ',"offer":' .. entry_json .. sold_out_mark(available))
  offers_made[n] = hold_json
end

-- The first entry of a line that fits now, offered; false when nobody among the first OFFER_SCAN_MAX fits.
local function offer_next(spec, line, at, keys, seeds)
  local members = redis.call('ZRANGEBYLEX', keys.line, '[' .. line .. '\n', '(' .. line .. '\011',
    'LIMIT', 0, OFFER_SCAN_MAX)
  local ttl_ms = (spec.offerTtlSeconds or OFFER_TTL_SECONDS_DEFAULT) * 1000
  for _, member in ipairs(members) do
    local user_id = string.match(member, '^[^\n]*\n[^\n]*\n(.*)$')
    local entry_json = redis.call('HGET', keys.waitlist, user_id)
    local entry = cjson.decode(entry_json)
    local used = tonumber(redis.call('HGET', KEYS[6], user_id) or '0')
    if used + entry.quantity <= spec.maxPerUser then
      local items, offsets = offer_items(spec, entry)
      if items then
        make_offer(entry_json, entry, member, items, offsets, at, ttl_ms, keys, seeds)
        return true
      end
    end
  end
  return false
end

-- Offers what a hold's items returned to the lines they belong to, at most one offer per unit returned.
-- keys: { waitlist = hash, line = sorted set }; seeds: { hold = ..., order = ... }.
local function offer_returned(hold, at, keys, seeds)
  if redis.call('HLEN', keys.waitlist) == 0 then return end
  if redis.call('HGET', KEYS[3], COUNT_CLOSED) == '1' then return end
  local lines, seen, units = {}, {}, 0
  for _, item in ipairs(hold.items) do
    local line = item.poolId and (COUNT_POOL .. item.poolId) or (COUNT_SECTION .. section_of(item.seatId))
    if not seen[line] then
      seen[line] = true
      lines[#lines + 1] = line
    end
    units = units + item.quantity
  end
  local spec = cjson.decode(redis.call('GET', KEYS[1]))
  for _, line in ipairs(lines) do
    for _ = 1, units do
      if not offer_next(spec, line, at, keys, seeds) then break end
    end
  end
end
