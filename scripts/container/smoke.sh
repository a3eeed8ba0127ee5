#!/usr/bin/env bash
# Builds the image from the Dockerfile with podman and checks it runs as it should: healthy on /readyz,
# not root, tini as PID 1, a hold taken and audited, and SIGTERM ending it cleanly (exit 0, "boxoffice
# stopped" logged after the drain). Exits non-zero on the first failure.
#   BASE_IMAGE=node:20-bookworm-slim scripts/container/smoke.sh
# PODMAN and RUN_FLAGS adapt it to a host: where crun cannot run containers (cgroups v1 "hybrid"), use
#   PODMAN="podman --runtime runc" RUN_FLAGS="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
set -euo pipefail
cd "$(dirname "$0")/../.."
base="${BASE_IMAGE:-node:20-bookworm-slim}"
podman=(${PODMAN:-podman})
run_flags=(${RUN_FLAGS:-})
tag="localhost/boxoffice:smoke-$$"
name="boxoffice-smoke-$$"
port="${SMOKE_PORT:-18080}"
token=smoke-test-admin-token-0123456789
cleanup() {
  "${podman[@]}" rm -f -v "$name" >/dev/null 2>&1 || true
  "${podman[@]}" rmi -f "$tag" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "smoke: $*" >&2; "${podman[@]}" logs "$name" >&2 || true; exit 1; }

# chroot isolation builds where an OCI runtime cannot run build steps; the layers are the same.
"${podman[@]}" build --isolation=chroot --format docker --build-arg "BASE_IMAGE=$base" -t "$tag" .
"${podman[@]}" run -d --name "$name" --network host "${run_flags[@]}" \
  -e PORT="$port" -e BOXOFFICE_ADMIN_TOKEN="$token" "$tag" >/dev/null
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || fail "never ready on /readyz"
"${podman[@]}" healthcheck run "$name" || fail "HEALTHCHECK reports unhealthy"
[ "$("${podman[@]}" exec "$name" id -u)" != 0 ] || fail "runs as root"
"${podman[@]}" exec "$name" cat /proc/1/cmdline | tr '\0' ' ' | grep -q '^/usr/bin/tini ' || fail "PID 1 is not tini"
version="$(node -p "require('./package.json').version")"
[ "$("${podman[@]}" exec "$name" node /app/dist/cli/main.js --version)" = "boxoffice $version" ] || fail "--version"
api() { curl -sS --fail-with-body -H 'content-type: application/json' -H "Authorization: Bearer $token" "$@"; }
api -X POST "http://127.0.0.1:$port/v1/events" -d '{ "id": "smoke", "name": "Smoke", "venue": "Box",
  "startsAt": "2027-01-01T20:00:00Z", "pools": [ { "id": "ga", "capacity": 10, "price": 100 } ] }' >/dev/null
api -X POST "http://127.0.0.1:$port/v1/events/smoke/orders" -d '{ "userId": "u-1", "quantity": 2, "poolId": "ga" }' >/dev/null
api "http://127.0.0.1:$port/v1/events/smoke/audit" | grep -q '"consistent":true' || fail "audit not consistent"
"${podman[@]}" stop -t 20 "$name" >/dev/null
[ "$("${podman[@]}" inspect "$name" --format '{{.State.ExitCode}}')" = 0 ] || fail "exit code after SIGTERM is not 0"
"${podman[@]}" logs "$name" 2>&1 | grep -q '"boxoffice stopped"' || fail "no clean stop logged"
echo "smoke: image from $base builds, runs, drains on SIGTERM" >&2
