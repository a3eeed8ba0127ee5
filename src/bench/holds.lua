-- The wrk script of `boxoffice bench`, for the boxoffice server and the bare ceiling alike, so that both are
-- driven by exactly the same load generator work.
--
-- ARGS (after `--` on the wrk command line):
--   1  poolId of the hold body
--   2  run tag, unique per wrk run, so that userIds never repeat across the warm-up and the measured run
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

function init(args)
  local pool = args[1] or "ga"
  local run = args[2] or "r"
  body_head = '{"userId":"u-' .. run .. '-' .. thread_index .. '-'
  body_tail = '","quantity":1,"poolId":"' .. pool .. '"}'
end

function request()
  counter = counter + 1
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
