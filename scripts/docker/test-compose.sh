# Sourced by scripts/test-docker.sh after the image checks (its helpers, counters and EXIT trap):
# brings the stack up with podman-compose from the repository's docker-compose.yml, on the image
# just built, and checks /readyz, a poll cycle through it, the named volume, SIGTERM and `down`.
#
# The project is a throwaway folder laid out like a self-hoster's checkout: the repository's
# docker-compose.yml (with the two changes compose_project_file prints), a .env, the example feeds
# as ./feeds.json (+ ./feeds/, mounted by scripts/docker/compose.test.yml: the container has no
# outside network) and a copy of ./rules. The checkout's own .env is never read: it may hold a
# real token. Test-only settings are in scripts/docker/compose.test.yml.
# The project name is unique to the run; everything is removed at exit (the folder and the volume
# stay with WATCHFLOOR_DOCKER_KEEP=1).

COMPOSE_PROJECT="$RUN_ID-compose"
COMPOSE_CONTAINER="${COMPOSE_PROJECT}_watchfloor_1"   # podman-compose 1.0's <project>_<service>_<n>
COMPOSE_VOLUME="${COMPOSE_PROJECT}_watchfloor-data"
COMPOSE_NETWORK="${COMPOSE_PROJECT}_default"
COMPOSE_DIR=""
COMPOSE_LOG="/tmp/$RUN_ID-compose.log"
COMPOSE_TIMEOUT_S=120

# A free TCP port on the host's loopback.
free_port() {
  node -e '
    const s = require("node:net").createServer();
    s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });
  '
}

# podman-compose on the test project with the test override, time-limited; its output (the podman
# commands it runs, no secrets: the .env holds none) goes to $COMPOSE_LOG, shown when a step fails.
pcompose() {
  local limit=$1; shift
  WATCHFLOOR_DOCKER_IMAGE="$IMAGE" timeout "$limit" podman-compose -p "$COMPOSE_PROJECT" \
    -f "$COMPOSE_DIR/docker-compose.yml" -f "$ROOT/scripts/docker/compose.test.yml" "$@" \
    >>"$COMPOSE_LOG" 2>&1
}
show_compose_log() { echo "   podman-compose said (last 25 lines):" >&2; tail -25 "$COMPOSE_LOG" | sed 's/^/   | /' >&2; }

podman_compose_version() {
  podman-compose version 2>/dev/null | grep -oiE 'podman-compose[a-z]* version:? +[0-9][0-9.]*' | grep -oE '[0-9][0-9.]*$' | head -1
}

# Writes $COMPOSE_DIR/docker-compose.yml from the repository's, changed only where a test cannot
# use it as it is and an override cannot help (podman-compose 1.0 appends list entries, it never
# replaces them): the published host port becomes a free one, still on 127.0.0.1 (anything else
# fails the test); and with podman-compose older than 1.2, which cannot read `env_file` entries
# written as { path, required }, each becomes its path, as docs/self-hosting.md tells its users.
# Prints one line per change. Fails when a relative bind-mount source is missing from the project.
compose_project_file() {
  (cd "$ROOT" && node --input-type=module -e '
    import { existsSync, readFileSync, writeFileSync } from "node:fs";
    import { join } from "node:path";
    import { isMap, isScalar, isSeq, parseDocument } from "yaml";
    const [source, dir, hostPort, version] = process.argv.slice(1);
    const problems = [];
    const changes = [];
    const doc = parseDocument(readFileSync(source, "utf8"));
    problems.push(...doc.errors.map((e) => e.message));
    const v = (version || "").split(".").map(Number);
    const legacyEnvFile = version !== "" && (v[0] < 1 || (v[0] === 1 && (v[1] ?? 0) < 2));
    const services = doc.get("services");
    if (!isMap(services) || services.items.length === 0) problems.push("no services");
    for (const { key, value: service } of isMap(services) ? services.items : []) {
      const ports = service.get("ports");
      const published = isSeq(ports) && ports.items.length === 1 ? String(ports.items[0].value) : "";
      const m = /^127\.0\.0\.1:(\d+):(\d+)$/.exec(published);
      if (!m) {
        problems.push(`service ${key}: expected one port published on 127.0.0.1 as IP:HOST:CONTAINER, got ${published || "none or several"}`);
      } else {
        ports.set(0, `127.0.0.1:${hostPort}:${m[2]}`);
        changes.push(`ports "${published}" -> "127.0.0.1:${hostPort}:${m[2]}" (a free port on loopback)`);
      }
      const envFile = service.get("env_file");
      if (legacyEnvFile && isSeq(envFile) && envFile.items.some(isMap)) {
        const paths = envFile.items.map((e) => String(isMap(e) ? e.get("path") : e.value));
        service.set("env_file", paths.length === 1 ? paths[0] : paths);
        changes.push(`env_file { path, required } -> ${paths.join(", ")} (podman-compose ${version} reads only paths)`);
      }
      const volumes = service.get("volumes");
      for (const item of isSeq(volumes) ? volumes.items : []) {
        const host = String(item.value).split(":")[0];
        if (host.startsWith("./") && !existsSync(join(dir, host))) problems.push(`mount source ${host} is missing from the project`);
      }
    }
    if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
    writeFileSync(join(dir, "docker-compose.yml"), doc.toString({ lineWidth: 0 }));
    for (const c of changes) console.log(`   changed for the test: ${c}`);
  ' "$ROOT/docker-compose.yml" "$COMPOSE_DIR" "$1" "$2")
}

# The throwaway project: a .env (no secrets), the example feeds as ./feeds.json + ./feeds/, rules.
make_compose_project() {
  local port=$1 version=$2
  COMPOSE_DIR=$(mktemp -d "/tmp/$RUN_ID-compose.XXXXXX") || return 1
  chmod 755 "$COMPOSE_DIR"
  # The .env a self-hoster writes. HTTP_PORT here must lose to compose's `environment:`, which
  # fixes it to the port the image publishes and probes.
  printf '%s\n' '# written by scripts/docker/test-compose.sh' 'LOG_LEVEL=debug' 'HTTP_PORT=9' >"$COMPOSE_DIR/.env"
  cp "$ROOT/examples/feeds.json" "$COMPOSE_DIR/feeds.json" &&
    cp -R "$ROOT/examples/feeds" "$COMPOSE_DIR/feeds" &&
    cp -R "$ROOT/rules" "$COMPOSE_DIR/rules" &&
    chmod -R a+rX "$COMPOSE_DIR" &&
    compose_project_file "$port" "$version"
}

# Removes what the compose section created; the folder and the volume stay with KEEP=1.
compose_cleanup() {
  [ -n "$COMPOSE_DIR" ] || return 0
  if [ "${WATCHFLOOR_DOCKER_KEEP:-0}" = 1 ]; then
    echo "== kept for inspection: compose project $COMPOSE_PROJECT in $COMPOSE_DIR, volume $COMPOSE_VOLUME, network $COMPOSE_NETWORK"
    return 0
  fi
  if podman container exists "$COMPOSE_CONTAINER" 2>/dev/null; then
    pcompose 60 down -t 5 || true
  fi
  local ids
  ids=$(podman ps -aq --filter "label=io.podman.compose.project=$COMPOSE_PROJECT" 2>/dev/null)
  [ -z "$ids" ] || podman rm -f -t 0 $ids >/dev/null 2>&1 || true
  podman volume rm -f "$COMPOSE_VOLUME" >/dev/null 2>&1 || true
  podman network exists "$COMPOSE_NETWORK" 2>/dev/null && podman network rm -f "$COMPOSE_NETWORK" >/dev/null 2>&1
  rm -rf "$COMPOSE_DIR" "$COMPOSE_LOG"
}

compose_uses_built_image() {
  test "$(podman inspect "$COMPOSE_CONTAINER" --format '{{.Image}}')" = "$(podman image inspect "$IMAGE" --format '{{.Id}}')"
}
# Every published binding of the container is on 127.0.0.1.
compose_port_on_loopback_only() {
  local bindings
  bindings=$(podman port "$COMPOSE_CONTAINER")
  echo "   published: $(printf '%s' "$bindings" | tr '\n' ' ')"
  [ -n "$bindings" ] && ! printf '%s\n' "$bindings" | grep -v -q -- '-> 127\.0\.0\.1:'
}
compose_env_is() { test "$(podman exec "$COMPOSE_CONTAINER" printenv "$1")" = "$2"; }
# /data in the container is the compose project's named volume, and the database is in it.
compose_db_on_named_volume() {
  local mounted mountpoint
  mounted=$(podman inspect "$COMPOSE_CONTAINER" --format '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Type}} {{.Name}}{{end}}{{end}}')
  mountpoint=$(podman volume inspect "$COMPOSE_VOLUME" --format '{{.Mountpoint}}' 2>/dev/null)
  echo "   /data is: ${mounted:-nothing}"
  [ "$mounted" = "volume $COMPOSE_VOLUME" ] && [ -s "$mountpoint/watchfloor.db" ]
}
compose_volume_stories() {
  tpodman 60 run --rm --network=none -v "$COMPOSE_VOLUME:/data" "$IMAGE" node -e '
    const Database = require("better-sqlite3");
    const db = new Database("/data/watchfloor.db", { readonly: true, fileMustExist: true });
    process.stdout.write(String(db.prepare("SELECT count(*) FROM stories").pluck().get()));
  ' 2>/dev/null
}
compose_stops_cleanly() {
  local t0 t1 code
  t0=$(date +%s%N)
  pcompose $((STOP_GRACE_S + 30)) stop -t "$STOP_GRACE_S" || { show_compose_log; return 1; }
  t1=$(date +%s%N)
  code=$(podman inspect "$COMPOSE_CONTAINER" --format '{{.State.ExitCode}}')
  echo "   stopped in $(( (t1 - t0) / 1000000 )) ms with exit code $code"
  [ "$code" = 0 ]
}
compose_down_removes_container() {
  pcompose "$COMPOSE_TIMEOUT_S" down -t "$STOP_GRACE_S" || { show_compose_log; return 1; }
  ! podman container exists "$COMPOSE_CONTAINER"
}

# ------------------------------------------------------------------------------------------------
note "compose: podman-compose up from docker-compose.yml"
if ! command -v podman-compose >/dev/null; then
  fail "podman-compose is installed (run scripts/docker/setup-podman.sh)"
  return 0
fi
COMPOSE_VERSION=$(podman_compose_version)
COMPOSE_PORT=$(free_port)
: >"$COMPOSE_LOG"
if ! make_compose_project "$COMPOSE_PORT" "$COMPOSE_VERSION"; then
  fail "a compose project can be laid out from docker-compose.yml (podman-compose ${COMPOSE_VERSION:-?})"
  return 0
fi
pass "project $COMPOSE_PROJECT laid out from docker-compose.yml + scripts/docker/compose.test.yml (podman-compose ${COMPOSE_VERSION:-?})"

t0=$(date +%s)
if pcompose "$COMPOSE_TIMEOUT_S" up -d --no-build && podman container exists "$COMPOSE_CONTAINER"; then
  pass "podman-compose up -d --no-build starts $COMPOSE_CONTAINER ($(( $(date +%s) - t0 )) s)"
else
  show_compose_log
  fail "podman-compose up -d --no-build starts $COMPOSE_CONTAINER"
  return 0
fi
COMPOSE_URL="http://127.0.0.1:$COMPOSE_PORT"
check "the service runs the image just built (no rebuild, no pull)" compose_uses_built_image
check "the health port is published on 127.0.0.1 only" compose_port_on_loopback_only
check "a poll cycle completes through the compose stack and /readyz answers 200 ($COMPOSE_URL)" \
  wait_for_cycle "$COMPOSE_CONTAINER" "$COMPOSE_URL"
check "the log shows a completed poll cycle" log_has "$COMPOSE_CONTAINER" "poll cycle finished"
compose_metrics=$(http_get "$COMPOSE_URL/metrics")
check "/metrics counts the finished poll cycle (watchfloor_poll_cycles_total)" \
  body_matches "${compose_metrics#* }" '^watchfloor_poll_cycles_total{[^}]*} [1-9]'
check "podman healthcheck run is healthy" tpodman 30 healthcheck run "$COMPOSE_CONTAINER"
check "the .env reaches the service (LOG_LEVEL=debug)" compose_env_is LOG_LEVEL debug
check "compose's environment overrides the .env (HTTP_PORT=8080, not 9)" compose_env_is HTTP_PORT 8080
check "the database is on the named volume $COMPOSE_VOLUME" compose_db_on_named_volume
check "SIGTERM through podman-compose stop exits 0" compose_stops_cleanly
check "the log says it stopped cleanly" log_has "$COMPOSE_CONTAINER" "stopped cleanly"
check "podman-compose down removes the container" compose_down_removes_container
compose_stories=$(compose_volume_stories)
echo "   ${compose_stories:-no} stories in the volume's database after down"
check "the named volume and its stories survive podman-compose down" test "${compose_stories:-0}" -gt 0
