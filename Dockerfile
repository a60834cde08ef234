# Watchfloor container image: `docker compose up -d` (see docker-compose.yml and docs/self-hosting.md).
#
# Two stages: `build` has the compiler toolchain better-sqlite3 needs and the dev dependencies
# (TypeScript, esbuild); `runtime` gets only the built app (a few bundled files, ADR 15) and the
# production node_modules (native addons and the packages loaded on first use stay files).
# Design notes: docs/self-hosting.md and the Docker image decision record in docs/adr/.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build

# better-sqlite3 is a native addon: compile it from source so the binary always matches this
# image's Node and glibc (and the build never depends on a prebuilt download being reachable).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

WORKDIR /app

# Dependencies first, so editing the source does not recompile SQLite. Install scripts are
# skipped here and only better-sqlite3's is run: it is the one dependency that needs one.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts \
 && npm rebuild better-sqlite3 \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

COPY tsconfig.json ./
COPY scripts/build.ts ./scripts/build.ts
COPY src ./src
# Then drop the dev dependencies and better-sqlite3's build leftovers (SQLite's C source, object
# files, the static library: ~25 MB); only the compiled addon is loaded at run time.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && cd node_modules/better-sqlite3 \
 && rm -rf deps src build/deps build/Release/obj build/Release/obj.target build/Release/.deps \
           build/Release/sqlite3.a build/Release/test_extension.node \
 && cd /app \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

# tini as PID 1: forwards SIGTERM to Node and reaps zombies, so `docker stop` shuts the app down
# cleanly without every user remembering `--init`. fonts-dejavu-core: the trend charts' text
# (Skia draws no text without a font; the slim image has none; ADR 13).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini fonts-dejavu-core \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*

# MALLOC_MMAP_THRESHOLD_: glibc gives blocks of 64 KiB and more (feed bodies, SQLite's and
# zlib's buffers) their own mappings, returned to the system when freed. By default it raises
# that threshold at run time and serves them from its heap, which a poll cycle leaves
# fragmented: measured with `npm run bench`, 40-90 MB more resident between cycles. 64 KiB,
# not 32: V8's compiler zones are ~32 KiB blocks, mapped and unmapped per compilation at 32 KiB;
# 65536 made the 1,000-feed first cycle 1.7x faster for ~5 MB more at rest (ADR 15).
# HTTP_HOST: outside a container the health and metrics server binds 127.0.0.1 (it has no
# authentication); in here it must listen on the container's interface for the published port
# (compose publishes it on the host's loopback only). The HEALTHCHECK probes 127.0.0.1 then.
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=65536 \
    WATCHFLOOR_DB=/data/watchfloor.db \
    WATCHFLOOR_FEEDS=/app/feeds.json \
    WATCHFLOOR_RULES=/app/rules \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    LOG_FORMAT=json

WORKDIR /app

# The app's files belong to root and are read-only to the `node` user it runs as: a compromised
# process cannot rewrite its own code. Only /data is writable.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json feeds.json ./
COPY rules ./rules
COPY examples ./examples
RUN mkdir -p /data && chown node:node /data

# The shipped rules' model, trained once here (about 6 s on one core): a first start whose rules
# are these takes it from the model cache instead of training. Edited rules miss the cache and
# train at start as before; the cache is read-only to the app like the rest of /app.
ENV WATCHFLOOR_MODEL_CACHE=/app/model-cache
RUN WATCHFLOOR_DB=/tmp/build/watchfloor.db node dist/app/cli.js train --no-store && rm -rf /tmp/build

USER node
VOLUME /data
EXPOSE 8080

# Readiness, not mere liveness: a poller whose cycles have stalled, or a bot that lost Discord,
# shows as "unhealthy" in `docker ps`. No curl in the slim image: Node's fetch does the probe,
# with --liftoff-only as the app (ADR 15): the probe then peaks at ~55 MB instead of ~84 MB.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "--liftoff-only", "-e", "const h=process.env.HTTP_HOST;const host=!h||h==='0.0.0.0'||h==='::'?'127.0.0.1':h;fetch('http://'+(host.includes(':')?'['+host+']':host)+':'+(process.env.HTTP_PORT||8080)+'/readyz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/app/cli.js", "run"]
