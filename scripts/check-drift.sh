#!/usr/bin/env bash
# Regenerates everything derived from the specs and fails when it differs from the commit.
set -euo pipefail
cd "$(dirname "$0")/.."
GENERATED="openapi/dist services/*/src/generated sdk/src/generated sdk/python/disqo_commerce/generated sdk/go/generated"
if command -v java >/dev/null 2>&1; then
  bash scripts/generate.sh
else
  echo "drift: java not found - the SDK drift check is SKIPPED (only bundles and server types are checked)"
  SKIP_SDK=1 bash scripts/generate.sh
fi
# shellcheck disable=SC2086
if ! git diff --exit-code --stat -- $GENERATED || [ -n "$(git status --porcelain -- $GENERATED)" ]; then
  echo "drift: generated files differ from the specs; run 'make generate' and commit" >&2
  git status --porcelain -- $GENERATED >&2
  exit 1
fi
echo "drift: generated files match the specs"
