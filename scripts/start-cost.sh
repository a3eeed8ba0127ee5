#!/usr/bin/env bash
# Prints what `npm start` costs until /readyz answers: on a built tree with an existing data dir, on a built
# tree with a new data dir (PGlite initialises it), and on a tree without dist/ (build included). It
# removes dist/ for the last case and leaves it built. Run from the repository root: scripts/start-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-18099}"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export BOXOFFICE_ADMIN_TOKEN=start-cost-admin-token-0123 LOG_LEVEL=warn PORT="$port"

# Seconds from `npm start` to a 200 on /readyz; the server is stopped after.
measure() {
  local start end pid
  start=$(date +%s.%N)
  BOXOFFICE_DATA_DIR="$1" setsid npm start >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  end=$(date +%s.%N)
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$end - $start" | bc
}

npm run build >/dev/null
measure "$data/first" >/dev/null  # initialises the data dir
echo "built, existing data dir: $(measure "$data/first") s"
echo "built, new data dir:      $(measure "$data/second") s"
rm -rf dist
echo "unbuilt (build + start):  $(measure "$data/first") s"
