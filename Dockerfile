# boxoffice container image: `boxoffice serve` (embedded by default; distributed when REDIS_URL and
# DATABASE_URL are set) or, with another command, `boxoffice worker` / `reconcile`. See docs/deploy.md.
#   docker build -t boxoffice .            (or: --build-arg BASE_IMAGE=<a Debian-based image with Node ≥ 20.19>)
# The base must be Debian-based (the runtime stage installs tini with apt-get) and carry node and npm.
ARG BASE_IMAGE=node:20-bookworm-slim

# Build stage: every dependency, the TypeScript compile.
FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json tsconfig.tools.json ./
COPY scripts ./scripts
COPY src ./src
COPY tools ./tools
RUN npm run build

# Production dependencies only, installed from the same lock.
FROM ${BASE_IMAGE} AS production-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# Runtime stage: node, tini, production dependencies, the compiled code and the page; no compiler, no tests.
FROM ${BASE_IMAGE} AS runtime
# tini is PID 1: it forwards SIGTERM to node (which then drains in-flight requests and the group commit) and
# reaps orphans, the same as `docker run --init`.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system boxoffice \
  && useradd --system --gid boxoffice --home-dir /var/lib/boxoffice --shell /usr/sbin/nologin boxoffice \
  && mkdir -p /var/lib/boxoffice \
  && chown boxoffice:boxoffice /var/lib/boxoffice
WORKDIR /app
COPY --from=production-deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY public ./public
# Listening beyond loopback, buyers must prove who they are (an implicit `open` refuses to start): sales and
# admin API keys work as they are; buyer tokens need BOXOFFICE_BUYER_JWT_SECRET (or a public key or JWKS).
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  BOXOFFICE_BUYER_AUTH=verified \
  PORT=8080 \
  BOXOFFICE_DATA_DIR=/var/lib/boxoffice
USER boxoffice
# The embedded shape's PGlite data; unused by the distributed shape, which keeps nothing on disk.
VOLUME ["/var/lib/boxoffice"]
EXPOSE 8080
# Ready = the store answers; a container that is not ready is taken out of rotation, not killed by this.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cli/main.js"]
CMD ["serve"]
