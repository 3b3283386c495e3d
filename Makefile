# The verbs of DISQO Commerce. Each installs the npm dependencies itself when they are missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NODE_OPTIONS ?=

STAMP := node_modules/.install-stamp
# The property-based fuzzer (Schemathesis, Python) lives in its own git-ignored venv.
FUZZ_VENV := .venv-fuzz
FUZZ_STAMP := $(FUZZ_VENV)/.install-stamp
PYTHON ?= python3

help:
	@echo "make start     run the whole platform on SQLite (./data), seeded with demo data"
	@echo "make test      lint, drift, typecheck, mocha, dredd, fuzz, e2e, OpenSearch, Python/Go SDKs, SDK publish, cluster faults, k8s render"
	@echo "make generate  regenerate bundled specs, server types and the SDK from openapi/*.yaml"
	@echo "make fuzz      property-based tests of every spec against the running platform (Schemathesis)"
	@echo "make lint | typecheck | unit | contract | examples | fuzz | e2e | bench | build | docs-sdk | sdk-polyglot | sdk-publish-test | test-cluster | k8s-render"
	@echo "make cluster   run 2 replicas of every service behind nginx on MariaDB + OpenSearch (production builds)"
	@echo "make opensearch-start | opensearch-stop | test-opensearch | contract-opensearch   (OPENSEARCH_PORT, default 9200)"

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(STAMP)

setup: $(STAMP)

$(FUZZ_STAMP): scripts/fuzz/requirements.txt
	$(PYTHON) -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/pip install --quiet --disable-pip-version-check -r scripts/fuzz/requirements.txt
	@touch $(FUZZ_STAMP)

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

# Every example request in the specs, sent as Swagger UI's Try it out sends it, to a fresh demo platform.
examples: setup
	npx tsx scripts/examples.ts

e2e: setup
	npx tsx scripts/e2e.ts

# The Python and Go SDKs against a started platform (wheel in a fresh virtualenv; Go module via replace).
sdk-polyglot: setup
	npx tsx scripts/sdk-polyglot.ts

# Schemathesis against each service's bundled spec (--checks all), bounded: about 2 minutes.
fuzz: setup $(FUZZ_STAMP)
	FUZZ_VENV=$(FUZZ_VENV) npx tsx scripts/fuzz.ts

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

# Benchmarks (not part of make test): ratios measured side by side in one run; they print the
# tables (docs/PERFORMANCE-CORE.md). bench-floor and bench-checkout run the production build.
bench: bench-floor bench-search bench-checkout bench-analytics

bench-floor: build
	npx tsx scripts/bench/floor/run.ts $(BENCH_ARGS)

bench-search: setup
	npx tsx --conditions=development scripts/bench/search/run.ts $(BENCH_ARGS)

# FTS5 vs OpenSearch vs LIKE on the built service (needs OpenSearch: make opensearch-start).
bench-search-backends: setup build opensearch-start
	npx tsx --conditions=development scripts/bench/search/backends.ts --opensearch-url $(OPENSEARCH_URL) $(BENCH_ARGS)

bench-checkout: build
	npx tsx --conditions=development scripts/bench/checkout/run.ts $(BENCH_ARGS)

# Analytics ingest and the KPI queries at 1M and 10M events, on SQLite and MariaDB (TEST_MYSQL_URL).
bench-analytics: build
	npx tsx scripts/bench/analytics/run.ts $(BENCH_ARGS)

# Publishes the SDK's release build to a local registry (Verdaccio, fetched into .tools/ once),
# installs it by name in an empty project and runs the README quick start against the platform.
sdk-publish-test: setup
	npx tsx scripts/sdk-publish-test.ts

# The SDK's API reference (TypeDoc) into sdk/docs (git-ignored).
docs-sdk: setup
	npx typedoc --options sdk/typedoc.config.mjs

# Production build: compiles each package to its dist/ (what the container images run).
build: setup
	for p in services/kit sdk services/auth services/product services/cart services/order services/analytics services/gateway web; do \
	  if [ -f $$p/scripts/build.mjs ]; then echo "build $$p"; node $$p/scripts/build.mjs || exit 1; \
	  elif [ -f $$p/tsconfig.json ]; then echo "build $$p"; (cd $$p && npx tsc -p tsconfig.json) || exit 1; fi; done

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

# Every stage, in two parallel lanes (scripts/test-all.sh lists them and their results).
test: setup
	bash scripts/test-all.sh

e2e-if-chromium: setup
	@if [ -x /usr/bin/chromium ]; then npx tsx scripts/e2e.ts; else echo "e2e: SKIPPED - /usr/bin/chromium is not installed (apt-get install chromium; CI installs it)"; fi

.PHONY: opensearch-start opensearch-stop test-opensearch contract-opensearch bench-search-backends
.PHONY: help setup start generate lint typecheck drift unit contract examples e2e bench build test e2e-if-chromium docs-sdk sdk-publish-test bench-search bench-checkout bench-floor bench-analytics sdk-polyglot fuzz cluster test-cluster k8s-render
