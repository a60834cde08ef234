#!/usr/bin/env bash
# `npm run test:docker`: builds the image and runs it for real with podman, on the example feeds.
#
# Checks: the Dockerfile lints clean; the image builds; the container runs as a non-root user
# under an init process; /readyz answers and a poll cycle completes; `podman healthcheck run` is
# healthy; /metrics serves Prometheus text; the app cannot write its own code; SIGTERM stops it
# with exit code 0 within 10 s; the database lands on the volume and a second container reuses
# it; a bad setting exits with code 2; `watchfloor backup` copies the live database. Then the
# stack comes up with podman-compose from docker-compose.yml on the image just built
# (scripts/docker/test-compose.sh): /readyz, a poll cycle through it, the port on loopback only,
# the database on the named volume, a clean stop and `down`.
#
# Needs rootful podman, podman-compose and the node:20-bookworm-slim base image:
# scripts/docker/setup-podman.sh and scripts/docker/make-node-base.sh prepare a machine without
# Docker or Docker Hub.
# Ends with "N passed, N failed"; exits 1 if anything failed or could not run.
#
# Environment: WATCHFLOOR_DOCKER_CONTEXT (build context, default: the repository),
# WATCHFLOOR_DOCKER_IMAGE (tag, default watchfloor:test), WATCHFLOOR_DOCKER_KEEP=1 (keep the
# containers, volumes and the compose project for inspection).
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
# A webhook that cannot be reached (the container has no route to Discord here): its credential
# must never reach the log, whatever the delivery errors say.
FAKE_WEBHOOK_SECRET=wfTestSecret_$$_x9Qm2VbN7rT
FAKE_WEBHOOK="https://discord.com/api/webhooks/123456789012345678/$FAKE_WEBHOOK_SECRET"

# Without systemd, podman cannot schedule health checks (the test runs them by hand) and says
# so on every run/stop; keep that noise out of the output, and everything else in.
quiet_systemd() { grep -v 'unable to get systemd connection' >&2; }
podman() { command podman "$@" 2> >(quiet_systemd); }
# podman with a time limit: a hung podman must not hang CI.
tpodman() { local limit=$1; shift; timeout "$limit" podman "$@" 2> >(quiet_systemd); }

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
  if [ -n "${interrupted:-}" ]; then fail "the test ran to its end (stopped by $interrupted)"; fi
  if [ "${WATCHFLOOR_DOCKER_KEEP:-0}" != 1 ]; then
    podman rm -f -t 0 "$C1" "$C2" >/dev/null 2>&1 || true
    podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  fi
  if declare -F compose_cleanup >/dev/null; then compose_cleanup; fi
  printf '== docker test took %s s\n' "$(( $(date +%s) - started_at ))"
  printf '%d passed, %d failed\n' "$passed" "$failed"
  if [ "$failed" -gt 0 ] || [ "$code" -ne 0 ]; then exit 1; fi
  exit 0
}
trap finish EXIT
# Untrapped, SIGTERM (CI's timeout) or Ctrl-C would kill bash without running the EXIT trap and
# leave containers, volumes and the compose project behind.
interrupted=""
trap 'interrupted=SIGTERM; exit 143' TERM
trap 'interrupted=SIGINT; exit 130' INT
trap 'interrupted=SIGHUP; exit 129' HUP

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
  tpodman 60 run --rm --network=none -v "$VOLUME:/data" "$IMAGE" node -e '
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

# start_container NAME [extra podman run options...]
start_container() {
  local name=$1; shift
  tpodman 60 run -d --name "$name" \
    -p 127.0.0.1::8080 \
    -v "$VOLUME:/data" \
    -e WATCHFLOOR_FEEDS=/app/examples/feeds.json \
    -e LOG_LEVEL=info \
    "$@" "$IMAGE" >/dev/null
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
  tpodman $((STOP_GRACE_S + 20)) stop -t "$STOP_GRACE_S" "$name" >/dev/null
  t1=$(date +%s%N)
  code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
  local ms=$(( (t1 - t0) / 1000000 ))
  echo "   stopped in ${ms} ms with exit code $code"
  [ "$code" = 0 ] && [ "$ms" -lt $((STOP_GRACE_S * 1000)) ]
}

# True when the container's log has a JSON line with this "msg".
log_has() { podman logs "$1" 2>&1 | grep -q "\"msg\":\"$2\""; }

# Waits (bounded) until the container's log has a line with this "msg".
wait_for_log() {
  local container=$1 msg=$2 deadline=$(( $(date +%s) + READY_TIMEOUT_S ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    log_has "$container" "$msg" && return 0
    [ "$(podman inspect "$container" --format '{{.State.Running}}' 2>/dev/null)" = true ] || break
    sleep 1
  done
  echo "no \"$msg\" in the log of $container; its tail:" >&2
  podman logs --tail 30 "$container" >&2 2>&1 || true
  return 1
}

http_status() { local reply; reply=$(http_get "$1"); printf '%s' "${reply%% *}"; }
body_matches() { printf '%s' "$1" | grep -q "$2"; }
image_has_no_toolchain() {
  ! tpodman 60 run --rm --network=none --entrypoint sh "$IMAGE" -c 'command -v g++ || command -v make || command -v python3' >/dev/null
}
# (A function: a `>/dev/null` after `check …` would hide its PASS/FAIL line too.)
image_check_passes() {
  tpodman 60 run --rm --network=none -e WATCHFLOOR_FEEDS=/app/examples/feeds.json "$IMAGE" node dist/app/cli.js check >/dev/null
}
image_declares_data_volume() { podman image inspect "$IMAGE" --format '{{json .Config.Volumes}}' | grep -q '"/data"'; }
app_code_is_read_only() { ! podman exec "$1" sh -c 'touch /app/dist/x' 2>/dev/null; }

# The backup command docs/self-hosting.md gives (`watchfloor backup FILE`: in the image,
# `node dist/app/cli.js backup FILE`), run against the live database: it prints the stories
# copied and quick_check's verdict, and the copy is on the volume.
online_backup_works() {
  local out ok=0
  out=$(tpodman 60 exec "$1" node dist/app/cli.js backup /data/backup-test.db 2>&1) || ok=1
  printf '   %s\n' "$out"
  [ "$ok" = 0 ] && printf '%s' "$out" | grep -Eq ', [1-9][0-9,]* stories, quick_check ok' \
    && podman exec "$1" test -s /data/backup-test.db || ok=1
  podman exec "$1" rm -f /data/backup-test.db
  return "$ok"
}

# docker-compose.yml keeps its promises: restart policy, named volume on /data, editable mounts.
compose_file_is_sound() {
  (cd "$ROOT" && node --input-type=module -e '
    import { readFileSync, existsSync } from "node:fs";
    import { parse } from "yaml";
    const c = parse(readFileSync("docker-compose.yml", "utf8"));
    const s = c.services.watchfloor;
    const problems = [];
    if (s.restart !== "unless-stopped") problems.push("restart is not unless-stopped");
    if (!s.volumes.some((v) => /^[a-z][\w-]*:\/data$/.test(v) && c.volumes[v.split(":")[0]] !== undefined)) problems.push("no named volume on /data");
    for (const [host, target] of [["./feeds.json", "/app/feeds.json"], ["./rules", "/app/rules"]]) {
      if (!s.volumes.includes(`${host}:${target}:ro`)) problems.push(`${host} is not mounted read-only on ${target}`);
      if (!existsSync(host)) problems.push(`${host} does not exist in the repository`);
    }
    if (!s.ports.every((p) => String(p).startsWith("127.0.0.1:"))) problems.push("a port is published beyond loopback");
    if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
  ')
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
if tpodman "$BUILD_TIMEOUT_S" build --format docker --network=host --pull=never -t "$IMAGE" "$CONTEXT" >"/tmp/$RUN_ID-build.log" 2>&1; then
  pass "image builds ($(( $(date +%s) - t0 )) s, $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'))"
else
  tail -40 "/tmp/$RUN_ID-build.log"
  abort "image builds (log above)"
fi
rm -f "/tmp/$RUN_ID-build.log"

note "image metadata"
check "image runs as user node" test "$(podman image inspect "$IMAGE" --format '{{.Config.User}}')" = node
check "image declares a HEALTHCHECK" test -n "$(podman image inspect "$IMAGE" --format '{{if .Config.Healthcheck}}{{.Config.Healthcheck.Test}}{{end}}')"
check "image declares VOLUME /data" image_declares_data_volume
check "image has no compiler toolchain" image_has_no_toolchain
check "docker-compose.yml: unless-stopped, named volume on /data, feeds.json and rules/ mounted, loopback port" compose_file_is_sound

note "configuration"
tpodman 60 run --rm --network=none -e POLL_SCHEDULE=bogus "$IMAGE" >/dev/null 2>&1
code=$?
check "an invalid POLL_SCHEDULE exits with code 2 (got $code)" test "$code" = 2
check "watchfloor check passes on the image's defaults and the example feeds" image_check_passes

note "first container"
podman volume create "$VOLUME" >/dev/null || abort "volume $VOLUME can be created"
start_container "$C1" -e "DISCORD_WEBHOOK_URL=$FAKE_WEBHOOK" || abort "container $C1 starts"
URL1=$(host_url "$C1")
check "a poll cycle completes and /readyz answers 200 ($URL1)" wait_for_cycle "$C1" "$URL1"
check "the log shows a completed poll cycle" log_has "$C1" "poll cycle finished"
check "the first start took the image's model from its cache, not training it" log_has "$C1" "classifier model taken from the model cache"
check "the process runs as a non-root user" test "$(podman exec "$C1" id -u)" != 0
check "PID 1 is the init process (tini), so SIGTERM reaches Node" test "$(podman exec "$C1" cat /proc/1/comm)" = tini
check "the app cannot write its own code" app_code_is_read_only "$C1"
check "podman healthcheck run is healthy" tpodman 30 healthcheck run "$C1"
check "/healthz answers 200" test "$(http_status "$URL1/healthz")" = 200
metrics=$(http_get "$URL1/metrics")
check "/metrics serves the poll cycle histogram" body_matches "${metrics#* }" '^watchfloor_poll_cycle_duration_seconds_count [1-9]'
check "/metrics serves process metrics" body_matches "${metrics#* }" '^watchfloor_process_resident_memory_bytes '
check "the database file is on the volume" podman exec "$C1" test -s /data/watchfloor.db
check "watchfloor backup copies the live database (the documented command)" online_backup_works "$C1"
check "a webhook delivery was attempted and failed (no route to Discord)" wait_for_log "$C1" "send failed, will retry"
check "the webhook credential appears nowhere in the log" test "$(podman logs "$C1" 2>&1 | grep -c "$FAKE_WEBHOOK_SECRET")" = 0
check "SIGTERM stops it cleanly within ${STOP_GRACE_S} s, with deliveries pending" stop_cleanly "$C1"
check "the log says it stopped cleanly" log_has "$C1" "stopped cleanly"

note "the database survives the container"
stories=$(count_stories)
echo "   ${stories:-no} stories in the volume's database"
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

# The stack as docker-compose.yml describes it, brought up with podman-compose.
source "$ROOT/scripts/docker/test-compose.sh"
