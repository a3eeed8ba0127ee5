#!/usr/bin/env bash
# Server CPU per request for one hot path, from /proc, around a wrk run (docs/benchmarks.md).
# Usage (after npm run build): scripts/bench/cpu-per-request.sh accepted|rejected [extra serve flags…]
# Starts a server on a fresh data dir on 127.0.0.1:9700, warms up 2 s, measures 6 s, prints req/s and µs.
# Rate limits as `boxoffice bench` sets them: every hold counted, no limit within reach of the run.
# NODE_FLAGS (optional) go to the server's node, for example "--cpu-prof --cpu-prof-dir=/tmp/prof".
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:?accepted or rejected}; shift
dir=$(mktemp -d)
token=cpu-per-request-token-0123456789
BOXOFFICE_RATE_LIMIT_PER_IP=10000000/3600s BOXOFFICE_RATE_LIMIT_PER_BUYER=10000000/3600s \
  node ${NODE_FLAGS:-} dist/cli/main.js serve "$@" --port 9700 --data-dir "$dir/data" --admin-token $token --log-level warn &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -sf localhost:9700/healthz >/dev/null && break; sleep 0.1; done
capacity=$([ "$mode" = accepted ] && echo 10000000 || echo 1)
curl -sf -X POST localhost:9700/v1/events -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d "{\"id\":\"cpu\",\"name\":\"C\",\"venue\":\"V\",\"startsAt\":\"2027-01-01T20:00:00Z\",\"pools\":[{\"id\":\"ga\",\"capacity\":$capacity,\"price\":1}]}" >/dev/null
[ "$mode" = rejected ] && curl -sf -X POST localhost:9700/v1/events/cpu/holds -H 'content-type: application/json' -d '{"userId":"first","quantity":1}' >/dev/null
url=http://127.0.0.1:9700/v1/events/cpu/holds
wrk -t1 -c64 -d2s -s tools/bench/holds.lua "$url" -- ga warm >/dev/null
before=$(awk '{print $14+$15}' /proc/$pid/stat)
out=$(wrk -t1 -c64 -d6s -s tools/bench/holds.lua "$url" -- ga measured)
after=$(awk '{print $14+$15}' /proc/$pid/stat)
requests=$(echo "$out" | grep -oP '\d+(?= requests in)')
rate=$(echo "$out" | grep -oP 'Requests/sec:\s+\K[\d.]+')
ticks=$(getconf CLK_TCK)
refused=$(echo "$out" | grep -oP 'Non-2xx or 3xx responses:\s+\K\d+' || echo 0)
echo "$mode: $rate req/s, $(( (after - before) * 1000000 / ticks / requests )) µs of server CPU per request; $refused of $requests answered other than 2xx"
