#!/usr/bin/env bash
# Build an offline stand-in for docker.io/library/node:20-bookworm-slim with podman, so the
# Watchfloor Dockerfile (FROM node:20-bookworm-slim) builds where no image registry is reachable.
#  - Debian bookworm rootfs from debootstrap, from the Debian mirror this machine's apt already uses
#  - this machine's Node 20 + npm + corepack, laid out like the official image (/usr/local)
#  - yarn 1.22.22 from the npm registry into /opt/yarn-v1.22.22 (as the official image)
#  - user/group node 1000:1000, docker-entrypoint.sh, ENTRYPOINT/CMD as the official image
#  - extras for a machine whose only outside access is the package registries: the machine's extra
#    CA certificates (NODE_EXTRA_CA_CERTS) and npm_config_nodedir (node-gyp cannot download headers)
# Usage: bash make-node-base.sh [workdir]   (needs root, podman configured by setup-podman.sh)
set -euo pipefail
WORK=${1:-${TMPDIR:-/tmp}/node-base}
# TAG_SHORT=node:20-bookworm EXTRA_PKGS=ca-certificates,curl,git,python3,make,g++  -> rough stand-in for the full node:20 image
TAG_SHORT=${TAG_SHORT:-node:20-bookworm-slim}
EXTRA_PKGS=${EXTRA_PKGS:-}
# the Debian mirror that this machine's apt is configured with
MIRROR=${MIRROR:-$(grep -hoE '^URIs: *[^ ]+/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | sed 's/^URIs: *//')}
[ -n "$MIRROR" ] || MIRROR=$(grep -hoE '^deb +[^ ]+/debian +' /etc/apt/sources.list 2>/dev/null | head -1 | awk '{print $2}')
[ -n "$MIRROR" ] || { echo "no Debian mirror found in apt's sources; set MIRROR=..." >&2; exit 1; }
YARN_VERSION=1.22.22
# npm bundled with Node 20.x releases (the host has a newer npm 11 installed globally); NPM_VERSION=host copies the host one
NPM_VERSION=${NPM_VERSION:-10.8.2}
NODE_VERSION=$(node -p 'process.versions.node')
case "$NODE_VERSION" in
  20.*) ;;
  *) echo "warning: the host runs Node $NODE_VERSION, so the stand-in tagged node:20 holds Node $NODE_VERSION" >&2 ;;
esac
NODE_PREFIX=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")   # /usr here
NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")        # .../node_modules/npm
MODDIR=$(dirname "$NPM_DIR")                                                 # .../node_modules

command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
rm -rf "$WORK"; mkdir -p "$WORK"; R="$WORK/rootfs"
t0=$(date +%s)
debootstrap --variant=minbase ${EXTRA_PKGS:+--include=$EXTRA_PKGS} bookworm "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1
t1=$(date +%s); echo "debootstrap: $((t1-t0)) s"

# apt sources: the same as this machine's
rm -f "$R/etc/apt/sources.list"
cp /etc/apt/sources.list.d/debian.sources "$R/etc/apt/sources.list.d/debian.sources" 2>/dev/null \
  || printf 'deb %s bookworm main
' "$MIRROR" >"$R/etc/apt/sources.list"
# slim it (roughly what the -slim variant does)
rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/* \
       "$R"/usr/share/doc/* "$R"/usr/share/man/* "$R"/usr/share/info/* "$R"/usr/share/locale/*
echo -n >"$R/etc/machine-id" || true

# node, npm, corepack, headers
install -D -m755 "$(readlink -f "$(command -v node)")" "$R/usr/local/bin/node"
mkdir -p "$R/usr/local/lib/node_modules" "$R/usr/local/include"
if [ "$NPM_VERSION" = host ]; then
  cp -a "$MODDIR/npm" "$R/usr/local/lib/node_modules/npm"
else
  ( cd "$WORK" && npm pack --silent "npm@$NPM_VERSION" >/dev/null )
  mkdir -p "$R/usr/local/lib/node_modules/npm"
  tar -xzf "$WORK/npm-$NPM_VERSION.tgz" -C "$R/usr/local/lib/node_modules/npm" --strip-components=1
fi
[ -d "$MODDIR/corepack" ] && cp -a "$MODDIR/corepack" "$R/usr/local/lib/node_modules/corepack"
[ -d "$NODE_PREFIX/include/node" ] && cp -a "$NODE_PREFIX/include/node" "$R/usr/local/include/node"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
[ -d "$R/usr/local/lib/node_modules/corepack" ] && ln -sf ../lib/node_modules/corepack/dist/corepack.js "$R/usr/local/bin/corepack"
ln -sf /usr/local/bin/node "$R/usr/local/bin/nodejs"

# yarn classic from the npm registry
( cd "$WORK" && npm pack --silent "yarn@$YARN_VERSION" >/dev/null )
mkdir -p "$R/opt/yarn-v$YARN_VERSION"
tar -xzf "$WORK/yarn-$YARN_VERSION.tgz" -C "$R/opt/yarn-v$YARN_VERSION" --strip-components=1
ln -sf "/opt/yarn-v$YARN_VERSION/bin/yarn" "$R/usr/local/bin/yarn"
ln -sf "/opt/yarn-v$YARN_VERSION/bin/yarnpkg" "$R/usr/local/bin/yarnpkg"

# user node 1000:1000 like the official image
chroot "$R" groupadd --gid 1000 node
chroot "$R" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

# official entrypoint
cat >"$R/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
EOF
chmod 755 "$R/usr/local/bin/docker-entrypoint.sh"

# this machine's extra CA certificates (TLS to the registries may be intercepted); node ignores the system store
mkdir -p "$R/usr/local/share/ca-certificates" "$R/etc/ssl"
cat /usr/local/share/ca-certificates/*.crt >"$R/etc/ssl/extra-ca.pem" 2>/dev/null || true
cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/" 2>/dev/null || true
[ -x "$R/usr/sbin/update-ca-certificates" ] && chroot "$R" update-ca-certificates >/dev/null 2>&1 || true

env -i PATH=/usr/local/bin:/usr/bin:/bin "$(command -v chroot)" "$R" sh -c 'echo "node $(node -v), npm $(npm -v), yarn $(yarn -v) in rootfs"'
t2=$(date +%s)

tar -C "$R" --numeric-owner -cf - . | podman import \
  --change 'ENV NODE_VERSION='"$NODE_VERSION" \
  --change 'ENV YARN_VERSION='"$YARN_VERSION" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/extra-ca.pem' \
  --change 'ENV npm_config_nodedir=/usr/local' \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["node"]' \
  - "docker.io/library/$TAG_SHORT" >/dev/null
podman tag "docker.io/library/$TAG_SHORT" "localhost/$TAG_SHORT"
[ "$TAG_SHORT" = node:20-bookworm-slim ] && podman tag "docker.io/library/$TAG_SHORT" docker.io/library/node:20-slim
[ "$TAG_SHORT" = node:20-bookworm ] && podman tag "docker.io/library/$TAG_SHORT" docker.io/library/node:20
t3=$(date +%s); echo "rootfs tweaks: $((t2-t1)) s, import: $((t3-t2)) s, total: $((t3-t0)) s"
du -sh "$R" | sed 's/^/rootfs size: /'
podman images --filter reference='*node*'
