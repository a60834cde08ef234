#!/usr/bin/env bash
# `npm run test:docker`: builds the image and runs it for real with podman, on the example feeds.
#
# Checks: the Dockerfile lints clean; the image builds; the container runs as a non-root user
# under an init process; /readyz answers and a poll cycle completes; `podman healthcheck run` is
# healthy; /metrics serves Prometheus text; the app cannot write its own code; SIGTERM stops it
# with exit code 0 within 10 s; the database lands on the volume and a second container reuses
# it; a bad setting exits with code 2.
#
# Needs rootful podman and the node:20-bookworm-slim base image: scripts/docker/setup-podman.sh
# and scripts/docker/make-node-base.sh prepare a machine without Docker or Docker Hub.
# Ends with "N passed, N failed"; exits 1 if anything failed or could not run.
#
# Environment: WATCHFLOOR_DOCKER_CONTEXT (build context, default: the repository),
# WATCHFLOOR_DOCKER_IMAGE (tag, default watchfloor:test), WATCHFLOOR_DOCKER_KEEP=1 (keep the
# containers and volume for inspection).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONTEXT=${WATCHFLOOR_DOCKER_CONTEXT:-$ROOT}
IMAGE=${WATCHFLOOR_DOCKER_IMAGE:-watchfloor:test}
BASE_IMAGE=node:20-bookworm-slim
RUN_ID="wf-test-$$"
VOLUME="$RUN_ID-data"
C1="$RUN_ID-a"
C2="$RUN_ID-b"
BUILD_TIMEOUT_S=900
READY_TIMEOUT_S=120
STOP_GRACE_S=10

passed=0
failed=0
started_at=$(date +%s)

note() { printf '== %s\n' "$*"; }
pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
# check "description" command...: passes when the command exits 0
check() {
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

finish() {
  local code=$?
  if [ "${WATCHFLOOR_DOCKER_KEEP:-0}" != 1 ]; then
    podman rm -f -t 0 "$C1" "$C2" >/dev/null 2>&1 || true
    podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  fi
  printf '== docker test took %s s\n' "$(( $(date +%s) - started_at ))"
  printf '%d passed, %d failed\n' "$passed" "$failed"
  if [ "$failed" -gt 0 ] || [ "$code" -ne 0 ]; then exit 1; fi
  exit 0
}
trap finish EXIT

# Fatal: nothing after this step can run. Counted as a failure so the run can never look green.
abort() {
  fail "$*"
  exit 1
}

# GET url → prints "status body" (Node's fetch: curl is not guaranteed on CI machines).
http_get() {
  node -e '
    fetch(process.argv[1], { signal: AbortSignal.timeout(3000) })
      .then(async (r) => { process.stdout.write(r.status + " " + (await r.text())); })
      .catch(() => { process.stdout.write("000 "); });
  ' "$1"
}

# The number of stories in the volume's database, read by a throwaway container.
count_stories() {
  timeout 60 podman run --rm --network=none -v "$VOLUME:/data" "$IMAGE" node -e '
    const Database = require("better-sqlite3");
    const db = new Database("/data/watchfloor.db", { readonly: true, fileMustExist: true });
    process.stdout.write(String(db.prepare("SELECT count(*) FROM stories").pluck().get()));
  ' 2>/dev/null
}

# Waits until the container's /readyz is 200 and reports a finished poll cycle.
wait_for_cycle() {
  local container=$1 url=$2 deadline=$(( $(date +%s) + READY_TIMEOUT_S )) reply
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if [ "$(podman inspect "$container" --format '{{.State.Running}}' 2>/dev/null)" != true ]; then
      echo "container $container is not running; its log:" >&2
      podman logs --tail 30 "$container" >&2 2>&1 || true
      return 1
    fi
    reply=$(http_get "$url/readyz")
    if [ "${reply%% *}" = 200 ] && printf '%s' "$reply" | grep -q '"last_finished_at":"'; then
      return 0
    fi
    sleep 1
  done
  echo "no finished poll cycle within ${READY_TIMEOUT_S} s; last /readyz: ${reply:-none}" >&2
  podman logs --tail 30 "$container" >&2 2>&1 || true
  return 1
}

start_container() {
  local name=$1
  timeout 60 podman run -d --name "$name" \
    -p 127.0.0.1::8080 \
    -v "$VOLUME:/data" \
    -e WATCHFLOOR_FEEDS=/app/examples/feeds.json \
    -e LOG_LEVEL=info \
    "$IMAGE" >/dev/null
}

host_url() {
  local hostport
  hostport=$(podman port "$1" 8080/tcp | head -1)
  printf 'http://%s' "$hostport"
}

# Sends SIGTERM via `podman stop` and checks the exit is clean and prompt.
stop_cleanly() {
  local name=$1 t0 t1 code
  t0=$(date +%s%N)
  timeout $((STOP_GRACE_S + 20)) podman stop -t "$STOP_GRACE_S" "$name" >/dev/null
  t1=$(date +%s%N)
  code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
  local ms=$(( (t1 - t0) / 1000000 ))
  echo "   stopped in ${ms} ms with exit code $code"
  [ "$code" = 0 ] && [ "$ms" -lt $((STOP_GRACE_S * 1000)) ]
}

# ------------------------------------------------------------------------------------------------
note "prerequisites"
command -v podman >/dev/null || abort "podman is installed (run scripts/docker/setup-podman.sh)"
podman info >/dev/null 2>&1 || abort "podman works (podman info failed; run scripts/docker/setup-podman.sh)"
podman image exists "$BASE_IMAGE" || abort "base image $BASE_IMAGE exists (run scripts/docker/make-node-base.sh or pull it)"
pass "podman $(podman version --format '{{.Client.Version}}') and $BASE_IMAGE are available"

note "lint"
check "Dockerfile lints clean (dockerfile-utils)" "$ROOT/node_modules/.bin/dockerfile-utils" lint "$CONTEXT/Dockerfile"

note "build $IMAGE from $CONTEXT"
t0=$(date +%s)
# --format docker: the OCI format would silently drop HEALTHCHECK.
if timeout "$BUILD_TIMEOUT_S" podman build --format docker --network=host --pull=never -t "$IMAGE" "$CONTEXT" >"/tmp/$RUN_ID-build.log" 2>&1; then
  pass "image builds ($(( $(date +%s) - t0 )) s, $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'))"
else
  tail -40 "/tmp/$RUN_ID-build.log"
  abort "image builds (log above)"
fi
rm -f "/tmp/$RUN_ID-build.log"

note "image metadata"
check "image runs as user node" test "$(podman image inspect "$IMAGE" --format '{{.Config.User}}')" = node
check "image declares a HEALTHCHECK" test -n "$(podman image inspect "$IMAGE" --format '{{if .Config.Healthcheck}}{{.Config.Healthcheck.Test}}{{end}}')"
check "image declares VOLUME /data" sh -c "podman image inspect '$IMAGE' --format '{{json .Config.Volumes}}' | grep -q '\"/data\"'"
check "image has no compiler toolchain" sh -c "! timeout 60 podman run --rm --network=none --entrypoint sh '$IMAGE' -c 'command -v g++ || command -v make || command -v python3'"

note "configuration errors exit with code 2"
timeout 60 podman run --rm --network=none -e POLL_SCHEDULE=bogus "$IMAGE" >/dev/null 2>&1
code=$?
check "an invalid POLL_SCHEDULE exits with code 2 (got $code)" test "$code" = 2

note "first container"
podman volume create "$VOLUME" >/dev/null || abort "volume $VOLUME can be created"
start_container "$C1" || abort "container $C1 starts"
URL1=$(host_url "$C1")
check "a poll cycle completes and /readyz answers 200 ($URL1)" wait_for_cycle "$C1" "$URL1"
check "the log shows a completed poll cycle" sh -c "podman logs '$C1' 2>&1 | grep -q '\"msg\":\"poll cycle finished\"'"
check "the process runs as a non-root user" test "$(podman exec "$C1" id -u)" != 0
check "PID 1 is the init process (tini), so SIGTERM reaches Node" test "$(podman exec "$C1" cat /proc/1/comm)" = tini
check "the app cannot write its own code" sh -c "! podman exec '$C1' sh -c 'touch /app/dist/x' 2>/dev/null"
check "podman healthcheck run is healthy" timeout 30 podman healthcheck run "$C1"
check "/healthz answers 200" sh -c "[ \"\$(node -e 'fetch(process.argv[1]).then(r=>process.stdout.write(String(r.status)),()=>{})' '$URL1/healthz')\" = 200 ]"
metrics=$(http_get "$URL1/metrics")
check "/metrics serves the poll cycle histogram" sh -c "printf '%s' \"\$1\" | grep -q '^watchfloor_poll_cycle_duration_seconds_count [1-9]'" _ "${metrics#* }"
check "/metrics serves process metrics" sh -c "printf '%s' \"\$1\" | grep -q '^watchfloor_process_resident_memory_bytes '" _ "${metrics#* }"
check "the database file is on the volume" podman exec "$C1" test -s /data/watchfloor.db
check "SIGTERM stops it cleanly within ${STOP_GRACE_S} s" stop_cleanly "$C1"
check "the log says it stopped cleanly" sh -c "podman logs '$C1' 2>&1 | grep -q '\"msg\":\"stopped cleanly\"'"

note "the database survives the container"
stories=$(count_stories)
echo "   $stories stories in the volume's database"
check "the volume holds the stories of the first container" test "${stories:-0}" -gt 0
podman rm -f -t 0 "$C1" >/dev/null 2>&1
start_container "$C2" || abort "container $C2 starts"
URL2=$(host_url "$C2")
check "a second container on the same volume completes a poll cycle ($URL2)" wait_for_cycle "$C2" "$URL2"
check "the second container reused the database (same $stories stories, none duplicated)" test "$(podman exec "$C2" node -e '
  const Database = require("better-sqlite3");
  process.stdout.write(String(new Database("/data/watchfloor.db", { readonly: true }).prepare("SELECT count(*) FROM stories").pluck().get()));
')" = "$stories"
check "the second container stops cleanly within ${STOP_GRACE_S} s" stop_cleanly "$C2"
