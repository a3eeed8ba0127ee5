-- Loads an event's gate state rebuilt from the store (after Redis lost the event's keys), unless another
-- instance has done so first. ARGV: 1 spec json, 2 seat map, 3 counts json ({field: n}),
-- 4 users json ({user: n}), 5 holds json ([[id, hold json, offsets, expires]]),
-- 6 idempotency json ([[value, ttl ms]]), one per idempotency key, the keys being KEYS[9..] in that order.
-- Returns 1, or 0 when the event was there already.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, 6 do redis.call('DEL', KEYS[i]) end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2]) end
redis.call('HSET', KEYS[3], 'restock', 0)
-- Part of the seat map's version (seat-map.lua): a reload may change seats without a new log entry.
local now = redis.call('TIME')
redis.call('HSET', KEYS[3], 'loaded', now[1] .. '.' .. now[2])
for field, n in pairs(cjson.decode(ARGV[3])) do
  if n ~= 0 then redis.call('HSET', KEYS[3], field, int(n)) end
end
for user, n in pairs(cjson.decode(ARGV[4])) do redis.call('HSET', KEYS[6], user, int(n)) end
for _, h in ipairs(cjson.decode(ARGV[5])) do
  redis.call('HSET', KEYS[4], h[1], h[2], h[1] .. ':at', h[3])
  redis.call('ZADD', KEYS[5], h[4], h[1])
end
for i, record in ipairs(cjson.decode(ARGV[6])) do
  redis.call('SET', KEYS[8 + i], record[1], 'PX', record[2])
end
if redis.call('EXISTS', KEYS[7]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[7], 'projectors', '0', 'MKSTREAM')
end
return 1
