#!/usr/bin/env bash
# Install and configure rootful podman/buildah so that `npm run test:docker` can build and run the
# Watchfloor image on a CI machine that has no Docker engine: a Debian VM where root lacks
# CAP_SYS_RESOURCE, cgroups are hybrid v1/v2, and no image registry is reachable.
# Idempotent; needs root. Run scripts/docker/make-node-base.sh afterwards for the base image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# podman-compose (Debian's package, 1.0.x on bookworm): the image test also brings the stack up
# from docker-compose.yml with it.
if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null || ! command -v runc >/dev/null \
  || ! command -v podman-compose >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    podman buildah runc fuse-overlayfs slirp4netns uidmap \
    containernetworking-plugins catatonit debootstrap podman-compose >/dev/null
fi
mkdir -p /etc/containers/registries.conf.d
cat >/etc/containers/containers.conf <<'EOF'
[containers]
# CAP_SYS_RESOURCE is dropped here: podman's default rlimits (nofile=1048576, nproc=32768 above the
# host's 20000) make the runtime fail with "setrlimit `RLIMIT_NOFILE`: Operation not permitted"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
# crun 1.8.1 (bookworm) fails with "cgroups in hybrid mode not supported, drop all controllers from cgroupv2"
runtime = "runc"
EOF
cat >/etc/containers/registries.conf.d/99-local.conf <<'EOF'
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
EOF
# NB: always build with `--format docker` (or BUILDAH_FORMAT=docker): the default OCI format drops HEALTHCHECK
podman --version
podman-compose version 2>/dev/null | grep -io 'podman-compose[a-z]* version .*' | head -1 || true
podman info --format 'runtime={{.Host.OCIRuntime.Name}} cgroups={{.Host.CgroupsVersion}} storage={{.Store.GraphDriverName}}'
