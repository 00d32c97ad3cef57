# backtestd — build, run, test. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8080
DATA_DIR ?= ./var
FUZZ_SECONDS ?= 60
BENCH_SECONDS ?= 10
SWIFT ?= swift
# libpq-dev: the PostgreSQL catalog's client; postgresql: the throwaway clusters the tests start.
APT_PACKAGES := libsqlite3-dev zlib1g-dev sqlite3 libpq-dev postgresql curl wrk
# Only `make browser` needs these (large): installed by that target, not by every build.
BROWSER_APT_PACKAGES := chromium chromium-driver

.PHONY: deps build build-release run test unit smoke conformance lint browser bench-http bench-catalog bench-artifacts bench bench-csv fuzz autobahn venv clean

## deps: install what a clean Debian machine lacks (needs root for apt-get)
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing packages:$$missing (run as root or install them)"; exit 1; fi; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "swift toolchain not found"; exit 1; }

build: deps
	$(SWIFT) build

build-release: deps
	$(SWIFT) build -c release

## run: build release and serve on $(HOST):$(PORT)
run: build-release
	.build/release/backtestd serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR) --config configs/default.json

## test: warnings are errors in our targets (Package.swift), unit + live tests, a curl smoke test, the
## dashboard in headless Chromium, then the OpenAPI conformance run
test: unit smoke browser conformance

unit: deps
	$(SWIFT) build --build-tests
	# One test at a time: each live test starts its own servers, workers and child processes, and
	# 36 suites at once on a 2-core machine starve each other's event loops into client timeouts.
	$(SWIFT) test --no-parallel

smoke: build-release venv
	bash Tests/Smoke/smoke.sh .build/release/backtestd

## venv: .build/venv (python3) with the `websockets` client the smoke test follows runs with and
## `prometheus_client`, whose parser reads /metrics there; what
## else is installed there (pandas for the benchmarks) stays
venv:
	@[ -x .build/venv/bin/python ] || python3 -m venv .build/venv
	@.build/venv/bin/python -c 'import websockets.sync.client' 2>/dev/null || \
	  .build/venv/bin/pip install -q --disable-pip-version-check 'websockets>=12'
	@.build/venv/bin/python -c 'import prometheus_client.parser' 2>/dev/null || \
	  .build/venv/bin/pip install -q --disable-pip-version-check 'prometheus_client>=0.20'
	@.build/venv/bin/python -c 'import schemathesis, openapi_spec_validator, jsonschema' 2>/dev/null || \
	  .build/venv/bin/pip install -q --disable-pip-version-check 'schemathesis==4.32.5' \
	    'openapi-spec-validator==0.9.0' 'jsonschema==4.26.0'
	@.build/venv/bin/python -c 'import selenium.webdriver' 2>/dev/null || \
	  .build/venv/bin/pip install -q --disable-pip-version-check 'selenium>=4.20'

## browser: the dashboard (`GET /`) in headless Chromium (Debian's chromium + chromium-driver) against
## a live release server, without and with keys (about a minute); screenshots of each screen (1280 and
## 390 px wide) under .build/screenshots
browser: build-release venv
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BROWSER_APT_PACKAGES)"
	bash Tests/Browser/run-browser.sh .build/release/backtestd

## conformance: the OpenAPI document against a live release server: openapi-spec-validator, every
## example against its schema, real responses against theirs, then schemathesis in both modes
conformance: build-release venv
	bash Tests/Schemathesis/run-schemathesis.sh .build/release/backtestd

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

## bench-http: wrk against GET /healthz (64 and 256 keep-alive connections, 64 with Connection: close)
bench-http: build-release
	bash Tests/Bench/bench-http.sh .build/release/backtestd $(BENCH_SECONDS)

## bench-catalog: POST /backtests p50/p99 on the SQLite catalog vs PostgreSQL (a throwaway local cluster)
bench-catalog: build-release
	bash Tests/Bench/bench-catalog.sh .build/release/backtestd

## bench-artifacts: GET of an artifact file (200 and 304) from the SQLite file store vs the PostgreSQL catalog
bench-artifacts: build-release
	bash Tests/Bench/bench-artifacts.sh .build/release/backtestd

## bench: engine throughput (bar-variants/s, wall time, peak RSS)
bench: build-release
	.build/release/backtestd bench --data configs/samples/GOOG_1d.csv

## bench-csv: CSV reader vs pandas read_csv on one 1,000,000-row file (pandas from .build/venv or $$PYTHON)
bench-csv: build-release
	bash Tests/Bench/bench-csv.sh .build/release/backtestd

## fuzz: libFuzzer over the HTTP parser, the WebSocket frame parser, the CSV reader and the JSON request path, $(FUZZ_SECONDS) s each
fuzz:
	bash Tests/Fuzz/run-fuzz.sh $(FUZZ_SECONDS)

## autobahn: Autobahn|Testsuite fuzzingclient (cases 1-7, 9, 10) against the WebSocket echo route;
## wstest is Python 2.7 only and installs from Tests/Autobahn/requirements.txt into .build/autobahn-venv
autobahn: build-release
	bash Tests/Autobahn/run-autobahn.sh .build/release/backtestd

clean:
	rm -rf .build .build-fuzz
