-- Loads an event's gate state rebuilt from the store (after Redis lost the event's keys), unless another
-- instance has done so first.
-- ARGV (script-args.ts, loadEventArgs): 1 spec json, 2 seat map, 3 counts json ({field: n}),
-- 4 users json ({user: n}), 5 holds json ([[id, hold json, offsets, expires]]),
-- 6 idempotency json ([[buyer, key, hold id, fingerprint, placed at ms]], oldest first, already within the
-- bounds), kept in KEYS[9..11] as place-11.lua keeps them, 7 gate epoch (the new one the store has just
-- started), 8 cancelled orders json ({order id: cancelled at ms}), kept in KEYS[12].
-- Returns 1, or 0 when the event was there already.
check_args(ARGV, 8)
if event_exists() then return 0 end
for i = 2, 6 do redis.call('DEL', KEYS[i]) end
for i = 9, 12 do redis.call('DEL', KEYS[i]) end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2]) end
redis.call('HSET', KEYS[3], COUNT_RESTOCK, 0, COUNT_EPOCH, ARGV[7])
-- Part of the seat map's version (seat-map-8.lua): a reload may change seats without a new log entry.
local now = redis.call('TIME')
redis.call('HSET', KEYS[3], COUNT_LOADED, now[1] .. '.' .. now[2])
for field, n in pairs(cjson.decode(ARGV[3])) do
  if n ~= 0 then redis.call('HSET', KEYS[3], field, int(n)) end
end
for user, n in pairs(cjson.decode(ARGV[4])) do redis.call('HSET', KEYS[6], user, int(n)) end
for _, h in ipairs(cjson.decode(ARGV[5])) do
  redis.call('HSET', KEYS[4], h[1], h[2], h[1] .. ':at', h[3])
  redis.call('ZADD', KEYS[5], h[4], h[1])
end
local buyer_keys = {}
for _, record in ipairs(cjson.decode(ARGV[6])) do
  local buyer, key = record[1], record[2]
  idem_write(buyer .. '\n' .. key, record[3], record[4], record[5])
  buyer_keys[buyer] = buyer_keys[buyer] or {}
  table.insert(buyer_keys[buyer], key)
end
for buyer, keys in pairs(buyer_keys) do idem_set_buyer_keys(buyer, keys) end
for order_id, at in pairs(cjson.decode(ARGV[8])) do redis.call('HSET', KEYS[12], order_id, int(at)) end
if redis.call('EXISTS', KEYS[7]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[7], PROJECTOR_GROUP, '0', 'MKSTREAM')
end
return 1
