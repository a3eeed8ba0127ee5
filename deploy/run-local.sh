#!/usr/bin/env bash
# The distributed shape on one machine: Redis (AOF everysec), PostgreSQL, two API processes, one projector
# worker, nginx in front. Needs redis-server, psql, a PostgreSQL at DATABASE_URL, nginx; `npm run build` first.
# Every port comes from the environment (defaults in brackets): HTTP_PORT [8080] (nginx), API_PORT_1 [8081]
# and API_PORT_2 [8082] (the API processes), METRICS_PORT [9464] (the worker), REDIS_PORT [6380].
# RUN_DIR [deploy/run] holds Redis's AOF and nginx's files. The database of DATABASE_URL is created when it
# does not exist. Stop everything with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
HTTP_PORT="${HTTP_PORT:-8080}"
API_PORT_1="${API_PORT_1:-8081}"
API_PORT_2="${API_PORT_2:-8082}"
METRICS_PORT="${METRICS_PORT:-9464}"
REDIS_PORT="${REDIS_PORT:-6380}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/boxoffice}"
export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}"
export BOXOFFICE_ADMIN_TOKEN="${BOXOFFICE_ADMIN_TOKEN:-change-me-0123456789abcdef}"
# The API processes sit behind nginx: the client address is the one nginx appends to X-Forwarded-For.
export BOXOFFICE_TRUST_PROXY=on
run="${RUN_DIR:-deploy/run}"
mkdir -p "$run/redis"
run="$(cd "$run" && pwd)"

database="${DATABASE_URL##*/}"
database="${database%%\?*}"
server="${DATABASE_URL%/*}/postgres"
if [ "$(psql "$server" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
  psql "$server" -qc "CREATE DATABASE \"$database\""
  echo "created database $database" >&2
fi

# deploy/nginx.conf with this run's ports.
sed -e "s/127.0.0.1:8081/127.0.0.1:${API_PORT_1}/" -e "s/127.0.0.1:8082/127.0.0.1:${API_PORT_2}/" \
  -e "s/listen 127.0.0.1:8080;/listen 127.0.0.1:${HTTP_PORT};/" deploy/nginx.conf > "$run/nginx.conf"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$run/redis" --appendonly yes --appendfsync everysec --save '' &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
BOXOFFICE_PROJECTOR=off PORT="$API_PORT_1" node dist/cli/main.js serve & pids+=($!)
BOXOFFICE_PROJECTOR=off PORT="$API_PORT_2" node dist/cli/main.js serve & pids+=($!)
node dist/cli/main.js worker --metrics-port "$METRICS_PORT" & pids+=($!)
nginx -p "$run" -c "$run/nginx.conf" -g 'daemon off;' & pids+=($!)
echo "boxoffice on http://127.0.0.1:${HTTP_PORT} (admin token: $BOXOFFICE_ADMIN_TOKEN)" >&2
wait
