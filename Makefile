# gradpay: two commands work on a bare machine (Node.js + Rust): `make test` and `make demo`.
# Everything else they need is installed from the pinned package-lock.json and Cargo.lock.

BIN            := node_modules/.bin
FORGE          := $(BIN)/forge
CARGO_FLAGS    := --workspace --locked
# CI=true raises the fuzz runs (foundry.toml profile `ci`).
FORGE_PROFILE  := $(if $(filter true,$(CI)),ci,default)
AUDIT_VENV     := .venv-audit
PY_VENV        := .venv-python

.PHONY: test demo deps build fmt fmt-check forge-test gas-check snapshots chromium cargo-test python bench-client bench-verify bench-serve sim-deep audit clean

## test: every check CI runs: formatting, build + size limit, forge tests, gas snapshots, cargo tests, the Python package
test: deps fmt-check build forge-test gas-check cargo-test python

## demo: a local chain, a full session with every strategy, and report.json + report.html (DEMO_ARGS=--serve: keep the chain, serve the dashboard)
# Debug build on purpose: it is the one `make test` already built, and a 5-node session needs no more.
demo: deps build
	cargo run --locked -p gradpay-client --features demo --bin gradpay -- demo $(DEMO_ARGS)
	@echo 'the same session live in the dashboard: make demo DEMO_ARGS=--serve  (then open http://127.0.0.1:8080)'

# npm ci only when node_modules is missing or older than the lockfile.
deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## build: compile, and fail if GradPay would not deploy on Ethereum (EIP-170 24,576-byte limit)
build: deps
	$(FORGE) build --sizes --skip 'test/**' --skip 'script/**' > /dev/null
	$(FORGE) build

fmt:
	$(FORGE) fmt
	cargo fmt --all

fmt-check: deps
	$(FORGE) fmt --check
	cargo fmt --all --check

forge-test: deps
	FOUNDRY_PROFILE=$(FORGE_PROFILE) $(FORGE) test

## gas-check: committed snapshots/*.json must equal what the gas tests measure (one tx per call)
gas-check: deps
	FOUNDRY_PROFILE=gas $(FORGE) test

## snapshots: re-measure and rewrite snapshots/*.json after an intended gas change
snapshots: deps
	FORGE_SNAPSHOT_CHECK=false FOUNDRY_PROFILE=gas $(FORGE) test

## chromium: the headless browser of client/tests/serve_browser.rs; installed with apt-get when absent
# and possible (root or passwordless sudo). Without it the browser tests print a skip line and pass,
# except under CI=true, where this target fails instead. GRADPAY_CHROMIUM names another binary.
chromium:
	@if [ -x "$$GRADPAY_CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=no; fi; \
	if [ "$$sudo" != no ] && command -v apt-get >/dev/null 2>&1; then \
		$$sudo apt-get install -y chromium || { $$sudo apt-get update && $$sudo apt-get install -y chromium; }; \
	fi; \
	if ! command -v chromium >/dev/null 2>&1; then \
		echo "chromium: not installed, and installing it failed or needs apt-get with root or passwordless sudo: the browser tests will be SKIPPED"; \
		if [ "$(CI)" = true ]; then echo "chromium: CI=true requires it"; exit 1; fi; \
	fi

# The tests get gradpay-client's `demo` feature from its self dev-dependency (client/Cargo.toml);
# the check before them builds the library as a coordinator links it: default features, no demo.
cargo-test: build chromium
	cargo check --locked -p gradpay-client --lib
	cargo test $(CARGO_FLAGS)

## python: build the Python package (python/, PyO3 via maturin, a debug build sharing target/) into
# .venv-python and run its pytest suite (its own anvil) and the training example's test.
# maturin, pytest and numpy are pinned in tools/python-requirements.txt.
python: build $(PY_VENV)/.installed
	VIRTUAL_ENV="$(CURDIR)/$(PY_VENV)" PATH="$(CURDIR)/$(PY_VENV)/bin:$$PATH" maturin develop --locked -m python/Cargo.toml
	$(PY_VENV)/bin/python -m pytest python/tests -q

$(PY_VENV)/.installed: tools/python-requirements.txt
	test -x $(PY_VENV)/bin/python || python3 -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/python-requirements.txt
	@touch $@

## bench-client: one epoch of 10,000 nodes, pipelined vs send-and-wait; then 100,000 nodes through the Monad-like fee-budget chain with 1 and 4 keys (writes client/BENCH.md)
bench-client: build
	cargo run --locked --release -p gradpay-client --features demo --bin gradpay-bench -- --nodes 10000 --keys-nodes 100000 --keys 1,4 --out client/BENCH.md

## bench-verify: `gradpay verify` on a 10,000-node, 10-epoch session (writes client/VERIFY_BENCH.md; budget 60 s)
bench-verify: build
	cargo run --locked --release -p gradpay-client --features demo --bin gradpay-bench-verify -- --nodes 10000 --epochs 10 --out client/VERIFY_BENCH.md

## bench-serve: `gradpay serve` on a 10,000-node, 10-epoch session: index time, page times, memory (writes client/SERVE_BENCH.md)
# The benchmark starts the release `gradpay` beside it as its own process, so both are built first.
bench-serve: build
	cargo build --locked --release -p gradpay-client --features demo --bin gradpay --bin gradpay-bench-serve
	target/release/gradpay-bench-serve --nodes 10000 --epochs 10 --out client/SERVE_BENCH.md

## sim-deep: >= 1,000 random sessions, release build (see README)
sim-deep: build
	GRADPAY_SIM_CASES=1000 cargo test --locked --release -p gradpay-sim

## audit: slither on contracts/; fails on any finding not triaged in slither.db.json (see docs/audit.md)
# Slither and its dependencies are pinned in tools/audit-requirements.txt, its settings in slither.config.json.
# Its own out-audit/ and cache-audit/, built from scratch (--force): out/ and cache/ stay untouched, and no
# build-info of an older build is analysed. Slither reads that build (foundry_ignore_compile) and finds
# this forge on PATH for `forge config`.
audit: deps $(AUDIT_VENV)/.installed
	FOUNDRY_OUT=out-audit FOUNDRY_CACHE_PATH=cache-audit $(FORGE) build --build-info --skip 'test/**' --skip 'script/**' --force
	PATH="$(CURDIR)/$(BIN):$$PATH" $(AUDIT_VENV)/bin/slither . --config-file slither.config.json

$(AUDIT_VENV)/.installed: tools/audit-requirements.txt
	test -x $(AUDIT_VENV)/bin/python || python3 -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/audit-requirements.txt
	@touch $@

clean:
	rm -rf out cache out-audit cache-audit target broadcast report.json report.html $(PY_VENV)
