# The verbs of DISQO Commerce. Each installs the npm dependencies itself when they are missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NODE_OPTIONS ?=

STAMP := node_modules/.install-stamp

help:
	@echo "make start     run the whole platform on SQLite (./data), seeded with demo data"
	@echo "make test      lint specs + drift check + typecheck + mocha (unit, HTTP, SDK, web) + dredd + e2e"
	@echo "make generate  regenerate bundled specs, server types and the SDK from openapi/*.yaml"
	@echo "make cluster   run 2 replicas of every service behind nginx on MariaDB + OpenSearch (production builds)"
	@echo "make lint | typecheck | unit | contract | e2e | bench | build | docs-sdk | test-cluster | k8s-render"
	@echo "make opensearch-start | opensearch-stop | test-opensearch | contract-opensearch   (OPENSEARCH_PORT, default 9200)"

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(STAMP)

setup: $(STAMP)

start: setup
	npx tsx scripts/start-all.ts

generate: setup
	bash scripts/generate.sh

lint: setup
	npx redocly lint openapi/*.yaml

typecheck: setup
	npx tsc -p tsconfig.json

# Regenerates from the specs and fails on any difference with what is committed.
drift: setup
	bash scripts/check-drift.sh

unit: setup
	npx mocha 'services/*/test/**/*.test.ts' 'sdk/test/**/*.test.ts' 'web/test/**/*.test.ts' --ignore 'web/test/e2e/**'

contract: setup
	npx tsx scripts/contract.ts

e2e: setup
	npx tsx scripts/e2e.ts

# OpenSearch (SEARCH_BACKEND=opensearch): a local single node, fetched through Maven on first start.
OPENSEARCH_PORT ?= 9200
OPENSEARCH_URL ?= http://127.0.0.1:$(OPENSEARCH_PORT)

opensearch-start:
	OPENSEARCH_PORT=$(OPENSEARCH_PORT) bash scripts/opensearch.sh start

opensearch-stop:
	OPENSEARCH_PORT=$(OPENSEARCH_PORT) bash scripts/opensearch.sh stop

# The product suites (only their OpenSearch runs, -g opensearch) and the product contract on OpenSearch.
test-opensearch: setup opensearch-start
	TEST_OPENSEARCH_URL=$(OPENSEARCH_URL) npx mocha 'services/product/test/**/*.test.ts' -g opensearch
	$(MAKE) contract-opensearch

contract-opensearch: setup
	SEARCH_BACKEND=opensearch OPENSEARCH_URL=$(OPENSEARCH_URL) CONTRACT_SERVICES=product npx tsx scripts/contract.ts

# Benchmarks (not part of make test): ratios measured side by side in one run.
bench: bench-search bench-checkout

bench-search: setup
	npx tsx --conditions=development scripts/bench/search/run.ts $(BENCH_ARGS)

# FTS5 vs OpenSearch vs LIKE on the built service (needs OpenSearch: make opensearch-start).
bench-search-backends: setup build opensearch-start
	npx tsx --conditions=development scripts/bench/search/backends.ts --opensearch-url $(OPENSEARCH_URL) $(BENCH_ARGS)

bench-checkout: setup
	npx tsx --conditions=development scripts/bench/checkout/run.ts $(BENCH_ARGS)

# Production build: compiles each package to its dist/ (what the container images run).
# The SDK's API reference (TypeDoc) into sdk/docs (git-ignored).
docs-sdk: setup
	npx typedoc --entryPoints sdk/src/index.ts --tsconfig sdk/tsconfig.json --out sdk/docs --logLevel Error

# The SDK has its own build (dist/esm + dist/cjs; its tsconfig.json only typechecks).
build: setup
	echo "build sdk" && node sdk/scripts/build.mjs
	for p in services/kit services/auth services/product services/cart services/order services/gateway web; do \
	  if [ -f $$p/tsconfig.json ]; then echo "build $$p"; (cd $$p && npx tsc -p tsconfig.json) || exit 1; fi; done

# The platform as a cluster runs it, on this machine: MariaDB, 2 replicas of every service
# (production builds) and nginx in front of each (README "Running as a cluster"). Ctrl-C stops it.
cluster: build
	node --import tsx scripts/cluster/main.ts

# Kills a replica of each service in turn under checkout load and checks the invariants (~3-4 min).
test-cluster: build
	node --import tsx scripts/cluster/fault-test.ts $(FAULT_ARGS)

# Renders the Kubernetes manifests offline, so a broken manifest fails the build.
k8s-render:
	kubectl kustomize deploy/k8s > /dev/null && echo "deploy/k8s renders"

test: setup lint drift typecheck unit contract e2e-if-chromium

e2e-if-chromium: setup
	@if [ -x /usr/bin/chromium ]; then npx tsx scripts/e2e.ts; else echo "e2e: SKIPPED - /usr/bin/chromium is not installed (apt-get install chromium; CI installs it)"; fi

.PHONY: opensearch-start opensearch-stop test-opensearch contract-opensearch bench-search-backends
.PHONY: cluster test-cluster k8s-render help setup start generate lint typecheck drift unit contract e2e bench build test e2e-if-chromium docs-sdk bench-search bench-checkout
