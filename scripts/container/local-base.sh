#!/usr/bin/env bash
# Makes a base image for the Dockerfile with no registry: a Debian bookworm root filesystem from Debian's
# packages (mmdebstrap), this machine's node and npm, and its CA bundle (for a TLS-inspecting proxy), imported
# into podman as localhost/node:20-bookworm-local. Needs root, mmdebstrap, podman, Node ≥ 20.19 on PATH.
#   scripts/container/local-base.sh && BASE_IMAGE=localhost/node:20-bookworm-local scripts/container/smoke.sh
set -euo pipefail
tag="${1:-localhost/node:20-bookworm-local}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mmdebstrap --variant=minbase --include=ca-certificates bookworm "$work/rootfs.tar"
podman import "$work/rootfs.tar" localhost/debian:bookworm-minbase
node="$(command -v node)"
npm_dir="$(dirname "$(readlink -f "$(command -v npm)")")/.."
mkdir "$work/context"
cp "$node" "$work/context/node"
cp -a "$npm_dir" "$work/context/npm"
cp /etc/ssl/certs/ca-certificates.crt "$work/context/ca-certificates.crt"
cat > "$work/context/Containerfile" <<'CONTAINERFILE'
FROM localhost/debian:bookworm-minbase
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && node --version && npm --version
CONTAINERFILE
podman build --isolation=chroot -t "$tag" "$work/context"
echo "base image: $tag" >&2
