# chatlife on Restate (adapters/restate, issue 16). restate-server comes from
# npm, pinned in adapters/restate/package-lock.json, into its node_modules;
# the harness starts it offline on free loopback ports with its data in a
# temporary directory, starts chatlife-restate and registers it.
#   make restate-demo    examples/demo.json told through the ingress, as a timeline
#   make test-restate    equivalence, kills of the service and of restate-server,
#                        50 concurrent joins, bad input (in `make test`)
#   make restate-bench   commands/s, latency, state bytes (RESTATE_BENCH_FULL=1 adds 100k chats)

RESTATE_DIR := adapters/restate
RESTATE_DEPS_STAMP := $(RESTATE_DIR)/node_modules/.chatlife-installed
RESTATE_HARNESS := target/release/chatlife-restate-harness

TEST_SUITES += test-restate
.PHONY: restate restate-deps restate-demo test-restate restate-bench

# Checked against package.json first, then installed exactly as locked; no
# install scripts run (the server binary ships inside its npm package).
$(RESTATE_DEPS_STAMP): $(RESTATE_DIR)/package.json $(RESTATE_DIR)/package-lock.json | node-toolchain
	cd $(RESTATE_DIR) && { $(NPM) ls --package-lock-only >/dev/null || \
		{ echo "$(RESTATE_DIR)/package-lock.json does not match package.json: npm install there and commit the lock" >&2; exit 1; }; }
	cd $(RESTATE_DIR) && $(NPM_CI)
	touch $@

restate-deps: $(RESTATE_DEPS_STAMP)

restate: restate-deps
	$(CARGO) build --release --locked -p chatlife-restate

restate-demo: restate
	$(RESTATE_HARNESS) demo

test-restate: restate
	$(CARGO) clippy --release --locked -p chatlife-restate --all-targets -- -D warnings
	$(CARGO) test --release --locked -p chatlife-restate
	$(RESTATE_HARNESS) test

restate-bench: restate
	$(RESTATE_HARNESS) bench $(if $(filter-out 0,$(RESTATE_BENCH_FULL)),--full,)
