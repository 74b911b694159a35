# chatlife: `make demo` tells the story, `make test` checks everything.
# Each language adds its own rules in mk/<language>.mk and appends its suite
# to TEST_SUITES; `make test` runs them in turn, stops at the first failure
# and prints each suite's time.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
CHATLIFE := target/release/chatlife
SCENARIOS := $(sort $(wildcard tests/conformance/*.json))

TEST_SUITES := test-rust

.PHONY: all demo test test-rust cli
all: cli

cli:
	$(CARGO) build --release --locked -p chatlife-cli

demo: cli
	$(CHATLIFE) timeline examples/demo.json

test-rust: cli
	@echo "test-rust: fmt and clippy"
	$(CARGO) fmt --all --check
	python3 tests/tools/import_cycles.py core/src ffi/src
	$(CARGO) clippy --locked -p chatlife -p chatlife-cli --all-targets -- -D warnings
	@echo "test-rust: unit tests, every scenario, 10,000 random histories (proptest: about a minute, silent)"
	$(CARGO) test --quiet --locked -p chatlife -p chatlife-cli
	$(CHATLIFE) check $(SCENARIOS)
	@for f in $(SCENARIOS); do \
	  cmp -s <($(CHATLIFE) run "$$f") <($(CHATLIFE) run --snapshot-every 1 "$$f") \
	    || { echo "restoring after every step changed the output of $$f"; exit 1; }; \
	done; echo "snapshot-every-1 runs equal the plain runs for $(words $(SCENARIOS)) scenarios"

-include $(sort $(wildcard mk/*.mk))

# One suite after another, each in its own make, so each says when it starts
# and how long it took (its builds included: what it cost after the suites
# before it). `make test TEST_SUITES="test-node test-connect"` runs a few.
test:
	@start=$$(date +%s); times=""; \
	for suite in $(TEST_SUITES); do \
	  echo "make test: $$suite"; t=$$(date +%s); \
	  $(MAKE) --no-print-directory $$suite; \
	  s=$$(( $$(date +%s) - t )); times="$$times $$suite $${s}s,"; \
	  echo "make test: $$suite passed in $$s s"; \
	done; \
	echo "make test: every suite passed in $$(( $$(date +%s) - start )) s:$${times%,}"

# Far more random histories than `make test` runs; minutes, not seconds.
.PHONY: soak
soak:
	PROPTEST_CASES=$${PROPTEST_CASES:-300000} $(CARGO) test --locked --release -p chatlife --test properties -- --nocapture
