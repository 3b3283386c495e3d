#!/usr/bin/env bash
# A single-node OpenSearch for development and CI, without Docker:
#   scripts/opensearch.sh start|stop|status|url
#
# The runnable distribution comes from Maven Central through Maven's own resolver (the
# "integ-test-zip" flavour: OpenSearch core without plugins, so no security plugin and plain
# HTTP), is unpacked into a git-ignored directory, and runs as a dedicated unprivileged user
# because OpenSearch refuses to start as root. start and stop are idempotent.
#
# Settings (environment):
#   OPENSEARCH_PORT            HTTP port (default 9200); transport is OPENSEARCH_PORT + 100
#   OPENSEARCH_HEAP            JVM heap, -Xms = -Xmx (default 512m)
#   OPENSEARCH_DIR             where the distribution and node state live (default <repo>/.opensearch)
#   OPENSEARCH_USER            the user it runs as when started by root (default opensearch)
#   OPENSEARCH_JAVA_HOME       JDK 17+ (default: the system JDK that `java` resolves to)
#   OPENSEARCH_START_TIMEOUT   seconds to wait for yellow/green health (default 120)
set -euo pipefail

VERSION=2.19.6
ARTIFACT="org.opensearch.distribution.integ-test-zip:opensearch:${VERSION}:zip"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${OPENSEARCH_PORT:-9200}"
TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-$((PORT + 100))}"
HEAP="${OPENSEARCH_HEAP:-512m}"
BASE="${OPENSEARCH_DIR:-$REPO_ROOT/.opensearch}"
RUN_USER="${OPENSEARCH_USER:-opensearch}"
TIMEOUT="${OPENSEARCH_START_TIMEOUT:-120}"
HOME_DIR="$BASE/opensearch-$VERSION"
# one node directory per port, so a developer's node and a test cluster's node can coexist
NODE_DIR="$BASE/node-$PORT"
PID_FILE="$NODE_DIR/opensearch.pid"
URL="http://127.0.0.1:$PORT"

log() { echo "opensearch: $*" >&2; }

health() {
  curl -fsS --max-time 2 "$URL/_cluster/health" 2>/dev/null | grep -Eo '"status":"[a-z]+"' | cut -d'"' -f4
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

java_home() {
  if [[ -n "${OPENSEARCH_JAVA_HOME:-}" ]]; then echo "$OPENSEARCH_JAVA_HOME"; return; fi
  local java
  java="$(readlink -f "$(command -v java)")" || { log "no java on PATH (install a JDK 17, e.g. openjdk-17-jdk-headless)"; exit 1; }
  dirname "$(dirname "$java")"
}

install_distribution() {
  [[ -x "$HOME_DIR/bin/opensearch" ]] && return
  local m2="${MAVEN_REPO:-$HOME/.m2/repository}"
  local zip="$m2/org/opensearch/distribution/integ-test-zip/opensearch/$VERSION/opensearch-$VERSION.zip"
  if [[ ! -f "$zip" ]]; then
    log "fetching OpenSearch $VERSION through Maven"
    mvn -q dependency:get -Dartifact="$ARTIFACT" -Dtransitive=false
  fi
  mkdir -p "$BASE"
  local tmp
  tmp="$(mktemp -d "$BASE/unzip.XXXXXX")"
  unzip -q "$zip" -d "$tmp"
  mv "$tmp/opensearch-$VERSION" "$HOME_DIR"
  rmdir "$tmp"
}

# Root may not run OpenSearch: create an unprivileged system user and hand it the node's files.
as_user() {
  if [[ "$(id -u)" != 0 ]]; then "$@"; return; fi
  if ! id -u "$RUN_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
  fi
  chown -R "$RUN_USER": "$HOME_DIR" "$NODE_DIR"
  runuser -u "$RUN_USER" -- "$@"
}

start() {
  if running_pid >/dev/null; then
    log "already running on $URL (pid $(running_pid))"
    wait_healthy
    return
  fi
  install_distribution
  mkdir -p "$NODE_DIR/data" "$NODE_DIR/logs"
  rm -f "$PID_FILE"
  local jhome
  jhome="$(java_home)"
  log "starting on $URL (heap $HEAP, java $jhome)"
  as_user env OPENSEARCH_JAVA_HOME="$jhome" OPENSEARCH_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" OPENSEARCH_PATH_CONF="$HOME_DIR/config" \
    "$HOME_DIR/bin/opensearch" -d -p "$PID_FILE" \
    -Ecluster.name="disqo-$PORT" -Enode.name="node-$PORT" \
    -Ediscovery.type=single-node \
    -Enetwork.host=127.0.0.1 -Ehttp.port="$PORT" -Etransport.port="$TRANSPORT_PORT" \
    -Epath.data="$NODE_DIR/data" -Epath.logs="$NODE_DIR/logs" \
    -Ecluster.routing.allocation.disk.threshold_enabled=false \
    -Eaction.auto_create_index=false \
    >"$NODE_DIR/logs/stdout.log" 2>&1 || { log "failed to launch; see $NODE_DIR/logs"; tail -20 "$NODE_DIR/logs/stdout.log" >&2; exit 1; }
  wait_healthy
}

wait_healthy() {
  local started=$SECONDS status
  while ((SECONDS - started < TIMEOUT)); do
    status="$(health || true)"
    if [[ "$status" == green || "$status" == yellow ]]; then
      log "ready on $URL ($status, $((SECONDS - started)) s)"
      return
    fi
    # the node writes its pid file only once it has daemonized, which takes more than 5 s on a
    # loaded machine: give it 30 s before calling a missing pid file an exit
    if ! running_pid >/dev/null && ((SECONDS - started > 30)); then
      log "the node exited; last log lines:"
      tail -30 "$NODE_DIR/logs/disqo-$PORT.log" 2>/dev/null >&2 || tail -30 "$NODE_DIR/logs/stdout.log" >&2
      exit 1
    fi
    sleep 1
  done
  log "not healthy after $TIMEOUT s; see $NODE_DIR/logs"
  exit 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running on port $PORT"
    rm -f "$PID_FILE"
    return
  fi
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { log "stopped (pid $pid)"; rm -f "$PID_FILE"; return; }
    sleep 1
  done
  log "pid $pid did not stop in 60 s; killing it"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
}

status() {
  local pid status
  if pid="$(running_pid)"; then
    status="$(health || true)"
    echo "running on $URL (pid $pid, health ${status:-unknown})"
  else
    echo "not running on port $PORT"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
