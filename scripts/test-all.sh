#!/usr/bin/env bash
# `make test`: every stage, in two lanes that run side by side (most stages wait on processes
# they start, so two lanes use two cores better than one). Each stage is a make target; its
# output is streamed with the lane's prefix and its result is listed at the end. A stage whose
# engine is not installed says SKIPPED and why (CI installs them all: see .ci/run).
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }

# stage <lane> <name> <make target> [skip reason]
stage() {
  local lane=$1 name=$2 target=$3 skip=${4:-}
  local started=$SECONDS
  if [ -n "$skip" ]; then
    echo "[$lane] $name: SKIPPED - $skip"
    echo "SKIPPED $name ($skip)" >"$results/$(printf '%s-%s' "$lane" "$name")"
    return 0
  fi
  echo "[$lane] >>> $name (make $target)"
  if make --no-print-directory $target 2>&1 | sed -u "s/^/[$lane] /"; then
    echo "ok      $name ($((SECONDS - started)) s)" >"$results/$lane-$name"
  else
    echo "FAILED  $name ($((SECONDS - started)) s)" >"$results/$lane-$name"
  fi
}

nginx_skip=""; have nginx || have /usr/sbin/nginx || nginx_skip="nginx is not installed (apt-get install nginx)"
mariadb_skip=""; have mariadbd || have /usr/sbin/mariadbd || mariadb_skip="mariadb-server is not installed"
kubectl_skip=""; have kubectl || kubectl_skip="kubectl is not installed (apt-get install kubernetes-client)"
java_skip=""; { have java && have mvn; } || java_skip="Java 17 and Maven are needed to fetch and run OpenSearch"

lane_core() {
  stage A lint lint
  stage A drift drift
  stage A typecheck typecheck
  stage A unit unit
  PORT_OFFSET=0 stage A examples examples
  stage A sdk-polyglot sdk-polyglot
  stage A sdk-publish sdk-publish-test
  stage A k8s-render k8s-render "$kubectl_skip"
}

lane_platform() {
  # the built services (dist/) are what the cluster runs
  stage B build build
  PORT_OFFSET=0 stage B contract contract
  PORT_OFFSET=0 stage B fuzz fuzz
  stage B e2e e2e-if-chromium
  stage B opensearch test-opensearch "$java_skip"
  make --no-print-directory opensearch-stop >/dev/null 2>&1 || true
  stage B cluster test-cluster "${nginx_skip:-${mariadb_skip:-$java_skip}}"
}

make --no-print-directory setup >/dev/null
lane_core &
core=$!
lane_platform &
platform=$!
wait $core $platform

echo
echo "test: stage results"
cat "$results"/* | sed 's/^/  /'
if grep -q '^FAILED' "$results"/*; then
  echo "test: FAILED"
  exit 1
fi
echo "test: all stages passed"
