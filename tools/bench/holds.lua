-- The wrk script of `boxoffice bench`, for the boxoffice server and the bare ceiling alike, so that both are
-- driven by exactly the same load generator work.
--
-- ARGS (after `--` on the wrk command line):
--   1  poolId of the hold body
--   2  run tag, unique per wrk run, so that userIds never repeat across the warm-up and the measured run
--   3  optional: a file of `<sub> <buyer token>` lines (`bench --auth verified`); each request then carries
--      `Authorization: Bearer <token>` and userId <sub>, tokens taken in turn (threads start apart). The
--      requests are formatted once in init(), so the load generator does no more work per request than
--      for the open runs.
-- REQUEST: POST <url> with {"userId":"u-<run>-<thread>-<n>","quantity":1,"poolId":"<pool>"}; n counts the
--   requests of the thread, so every request is a new user and the per-user limit never refuses one.
-- OUTPUT: one line `BENCH_RESULT {json}` on stdout when the run ends, with exact figures from wrk's own
--   HdrHistogram (microseconds), so the caller need not parse wrk's rounded, unit-suffixed text.

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
end

local counter = 0
local body_head
local body_tail
local prepared = {}
local prepared_count = 0

function init(args)
  local pool = args[1] or "ga"
  local run = args[2] or "r"
  body_head = '{"userId":"u-' .. run .. '-' .. thread_index .. '-'
  body_tail = '","quantity":1,"poolId":"' .. pool .. '"}'
  if args[3] ~= nil then
    for line in io.lines(args[3]) do
      local sub, token = line:match("^(%S+) (%S+)$")
      if sub ~= nil then
        prepared_count = prepared_count + 1
        local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
        prepared[prepared_count] = wrk.format(nil, nil, headers,
          '{"userId":"' .. sub .. '","quantity":1,"poolId":"' .. pool .. '"}')
      end
    end
    counter = (thread_index * 2477) % prepared_count
  end
end

function request()
  counter = counter + 1
  if prepared_count > 0 then
    return prepared[counter % prepared_count + 1]
  end
  return wrk.format(nil, nil, nil, body_head .. counter .. body_tail)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"durationUs":%d,"requests":%d,"bytes":%d,"non2xx":%d,"connectErrors":%d,' ..
    '"readErrors":%d,"writeErrors":%d,"timeouts":%d,"latencyUsP50":%d,"latencyUsP99":%d,' ..
    '"latencyUsMax":%d,"latencyUsMean":%.1f}\n',
    summary.duration, summary.requests, summary.bytes, errors.status, errors.connect,
    errors.read, errors.write, errors.timeout, latency:percentile(50), latency:percentile(99),
    latency.max, latency.mean))
end
