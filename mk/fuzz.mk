# Fuzzing with cargo-fuzz (libFuzzer) on the stable toolchain: `make fuzz-smoke`
# runs every target for FUZZ_SECONDS (60) and writes target/fuzz/summary.txt.
# --sanitizer none: coverage-guided inputs, and any panic, failed assertion,
# timeout or memory blow-up is a crash; what it cannot see is undefined
# behaviour in unsafe code (that needs ASan, a nightly-only flag). The core's
# only unsafe code is a cache prefetch hint, which reads and writes nothing; the
# C boundary runs under ASan/UBSan in `make test`.

CARGO_FUZZ_VERSION := 0.13.2
CARGO_FUZZ := .tools/bin/cargo-fuzz
FUZZ_TARGETS := config connect_request commands command_json snapshot token
FUZZ_SECONDS ?= 60

$(CARGO_FUZZ):
	$(CARGO) install --locked --version $(CARGO_FUZZ_VERSION) --root .tools cargo-fuzz

.PHONY: fuzz-smoke
fuzz-smoke: $(CARGO_FUZZ)
	@mkdir -p target/fuzz; : > target/fuzz/summary.txt
	cd fuzz && ../$(CARGO_FUZZ) build --sanitizer none -O
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS)s"; \
	  if ! (cd fuzz && ../$(CARGO_FUZZ) run --sanitizer none -O $$t corpus/$$t seeds/$$t -- \
	        -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048) > target/fuzz/$$t.log 2>&1; then \
	    tail -30 target/fuzz/$$t.log; echo "fuzz target $$t crashed; the input is in fuzz/artifacts/$$t/"; exit 1; \
	  fi; \
	  runs=$$(grep -o 'Done [0-9]* runs' target/fuzz/$$t.log | grep -o '[0-9]*'); \
	  echo "$$t: $$runs executions, corpus $$(ls fuzz/corpus/$$t | wc -l) inputs, 0 crashes" >> target/fuzz/summary.txt; \
	done; cat target/fuzz/summary.txt
