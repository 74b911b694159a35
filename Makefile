# chatlife: `make demo` tells the story, `make test` checks everything.
# Each language adds its own rules in mk/<language>.mk and appends its suite
# to TEST_SUITES; `make test` runs them all and stops at the first failure.

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

test: $(TEST_SUITES)
	@echo "make test: every suite passed ($(TEST_SUITES))"

# Far more random histories than `make test` runs; minutes, not seconds.
.PHONY: soak
soak:
	PROPTEST_CASES=$${PROPTEST_CASES:-300000} $(CARGO) test --locked --release -p chatlife --test properties -- --nocapture
