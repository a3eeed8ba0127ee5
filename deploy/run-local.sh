#!/usr/bin/env bash
# The distributed shape on one machine: Redis (AOF everysec), PostgreSQL, two API processes, one projector
# worker, nginx on :8080 in front. Needs redis-server, a PostgreSQL at DATABASE_URL, nginx; `npm run build` first.
# Stop everything with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/boxoffice}"
export REDIS_PORT="${REDIS_PORT:-6380}"
export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}"
export BOXOFFICE_ADMIN_TOKEN="${BOXOFFICE_ADMIN_TOKEN:-change-me-0123456789abcdef}"
# The API processes sit behind nginx: the client address is the one nginx appends to X-Forwarded-For.
export BOXOFFICE_TRUST_PROXY=on
run=deploy/run
mkdir -p "$run/redis"
psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE ${DATABASE_URL##*/}" 2>/dev/null || true
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$run/redis" --appendonly yes --appendfsync everysec --save '' &
pids+=($!)
sleep 0.5
BOXOFFICE_PROJECTOR=off PORT=8081 node dist/cli/main.js serve & pids+=($!)
BOXOFFICE_PROJECTOR=off PORT=8082 node dist/cli/main.js serve & pids+=($!)
node dist/cli/main.js worker --metrics-port 9464 & pids+=($!)
nginx -p "$PWD/$run" -c "$PWD/deploy/nginx.conf" -g 'daemon off;' & pids+=($!)
echo "boxoffice on http://127.0.0.1:8080 (admin token: $BOXOFFICE_ADMIN_TOKEN)" >&2
wait
