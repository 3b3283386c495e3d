#!/usr/bin/env bash
# Regenerates everything derived from the OpenAPI contracts:
#   openapi/dist/<svc>.json        one bundled file per service (no external $ref; served, validated, dredd-tested)
#   services/<svc>/src/generated/  openapi-typescript types for the typed handler maps
#   sdk/src/generated/<svc>/       the typescript-fetch client (needs Java for openapi-generator's jar)
#   sdk/python/disqo_commerce/generated/<svc>/   the python client (package disqo_commerce.generated.<svc>)
#   sdk/go/generated/<svc>/        the go client (package <svc> of the Go module in sdk/go)
# SKIP_SDK=1 skips the Java step, i.e. all three SDKs (used where Java is absent; the drift check then says so).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${SERVICES:-$(ls openapi/*.yaml | xargs -n1 basename | sed 's/\.yaml$//' | grep -v '^common$')}
mkdir -p openapi/dist
for svc in $SERVICES; do
  npx --no-install redocly bundle "openapi/$svc.yaml" -o "openapi/dist/$svc.json" --ext json >/dev/null 2>&1 \
    || { npx --no-install redocly bundle "openapi/$svc.yaml" -o "openapi/dist/$svc.json" --ext json; exit 1; }
  mkdir -p "services/$svc/src/generated"
  npx --no-install openapi-typescript "openapi/dist/$svc.json" -o "services/$svc/src/generated/openapi.ts" >/dev/null
done
if [ "${SKIP_SDK:-0}" = "1" ]; then
  echo "generate: SKIP_SDK=1, the SDKs (TypeScript, Python, Go) were not regenerated"
  exit 0
fi
for svc in $SERVICES; do
  out=$(mktemp -d)
  npx --no-install openapi-generator-cli generate -g typescript-fetch \
    -i "openapi/dist/$svc.json" -o "$out" \
    --additional-properties=supportsES6=true,importFileExtension=.js,npmName=@disqo-commerce/sdk,withInterfaces=false,modelPropertyNaming=original,paramNaming=original \
    --type-mappings=DateTime=string,Date=string \
    --global-property=skipFormModel=false >/dev/null
  # only the client's sources are kept; the generator's package files and docs are not part of the SDK
  rm -rf "sdk/src/generated/$svc" && mkdir -p "sdk/src/generated" && mv "$out/src" "sdk/src/generated/$svc" && rm -rf "$out"
  # the runtime's types: only what Node's typings declare too (no DOM lib needed by integrators)
  node sdk/scripts/portable-runtime.mjs "sdk/src/generated/$svc/runtime.ts"
done
# Python and Go: one generated package per service (each spec repeats the shared models, so
# one package each keeps them apart without renaming). Only the sources are kept: the
# generators' docs, tests, CI files and package metadata are not part of the SDKs.
for svc in $SERVICES; do
  out=$(mktemp -d)
  npx --no-install openapi-generator-cli generate -g python \
    -i "openapi/dist/$svc.json" -o "$out" \
    --additional-properties=packageName=disqo_commerce.generated.$svc,generateSourceCodeOnly=true,packageVersion=0.1.0 \
    --global-property=apiTests=false,modelTests=false,apiDocs=false,modelDocs=false >/dev/null
  rm -rf "sdk/python/disqo_commerce/generated/$svc" && mkdir -p sdk/python/disqo_commerce/generated
  mv "$out/disqo_commerce/generated/$svc" "sdk/python/disqo_commerce/generated/$svc" && rm -rf "$out"
  out=$(mktemp -d)
  npx --no-install openapi-generator-cli generate -g go \
    -i "openapi/dist/$svc.json" -o "$out" \
    --additional-properties=packageName=$svc,withGoMod=false,isGoSubmodule=true,generateInterfaces=false,enumClassPrefix=true \
    --type-mappings=integer=int64 \
    --global-property=apiTests=false,modelTests=false,apiDocs=false,modelDocs=false >/dev/null
  rm -rf "sdk/go/generated/$svc" && mkdir -p "sdk/go/generated/$svc" && mv "$out"/*.go "sdk/go/generated/$svc/" && rm -rf "$out"
done
echo "generate: specs bundled, server types and the TypeScript, Python and Go SDKs regenerated for: $(echo $SERVICES)"
