# Benchmarks (issues 6 and 17): `make bench`, or `BENCH_QUICK=1 make bench` for
# the short run (sizes up to 100k). Results: target/bench/results.json,
# target/bench/report.md and target/bench/scaling.svg. Each language writes
# JSON lines to its part in BENCH_PARTS; bench/README.md says what each row
# measures. `make test-bench` checks the harness's own pieces (the picture, the
# JavaScript peer), without timing anything.

BENCH_FLAGS := $(if $(filter-out 0,$(BENCH_QUICK)),--quick,)
BENCH_OUT := target/bench
BENCH_INPUT := $(BENCH_OUT)/input
# Every size chatlife-bench dumped the churn for: C, Python and Node run
# exactly those (read when the recipe runs, after the dump).
BENCH_SIZES = $$(ls $(BENCH_INPUT) | sed -n 's/^churn-\([0-9]*\)\.txt$$/\1/p' | sort -n)
# One measurement at a time even under `make -j`: builds may overlap, timed
# runs must not.
BENCH_MEASURE := flock $(BENCH_OUT)/.measuring
BENCH_PARTS := $(BENCH_OUT)/rust.jsonl $(BENCH_OUT)/c.jsonl $(BENCH_OUT)/python.jsonl $(BENCH_OUT)/node.jsonl
# The full run ends with 10M conversations in one process (issue 17); the quick one does not.
BENCH_10M := $(if $(BENCH_FLAGS),,bench-rust-10m)
BENCH_PARTS += $(if $(BENCH_10M),$(BENCH_OUT)/rust-10m.jsonl,)

TEST_SUITES += test-bench
.PHONY: bench bench-input bench-rust bench-rust-10m bench-c bench-python bench-node test-bench

# The churn input, as the Rust harness generates it, for the other languages.
bench-input:
	$(CARGO) build --release --locked -p chatlife-bench
	rm -rf $(BENCH_INPUT) && mkdir -p $(BENCH_INPUT)
	target/release/chatlife-bench $(BENCH_FLAGS) --dump-churn $(BENCH_INPUT)

bench-rust: bench-input
	$(BENCH_MEASURE) target/release/chatlife-bench $(BENCH_FLAGS) | tee $(BENCH_OUT)/rust.jsonl

# Issue 17: 10M conversations in one process, Rust only, the last part of a
# full `make bench` (not of the quick one): it peaks at about 13 GB resident
# and takes several minutes (bench/NOTES.md). Churn, the memory floor, bytes.
bench-rust-10m:
	$(CARGO) build --release --locked -p chatlife-bench
	mkdir -p $(BENCH_OUT)
	$(BENCH_MEASURE) target/release/chatlife-bench --n 10000000 \
	  --only churn:chatlife,memory_latency:,memory:,storm: | tee $(BENCH_OUT)/rust-10m.jsonl

# `ffi` from C: bench/c/ffi_bench.c against the static library (mk/c.mk).
bench-c: bench-input ffi c-deps
	gcc -std=c11 -O2 $(C_STRICT) -Iinclude bench/c/ffi_bench.c $(FFI_STATIC) $(FFI_NATIVE_LIBS) -o $(BENCH_OUT)/ffi-bench
	$(BENCH_MEASURE) $(BENCH_OUT)/ffi-bench $(BENCH_INPUT) $(BENCH_SIZES) | tee $(BENCH_OUT)/c.jsonl

# python_churn and `ffi` from Python, in the venv `make python` installs chatlife into.
bench-python: bench-input python
	$(BENCH_MEASURE) $(VENV_PYTHON) bench/python_bench.py $(BENCH_INPUT) $(BENCH_SIZES) | tee $(BENCH_OUT)/python.jsonl

# node_churn and `ffi` from Node, against the addon `make node` builds.
bench-node: bench-input node
	$(BENCH_MEASURE) $(NODE) --expose-gc bench/node_bench.js $(BENCH_INPUT) $(BENCH_SIZES) | tee $(BENCH_OUT)/node.jsonl

bench: bench-rust bench-c bench-python bench-node
	$(if $(BENCH_10M),$(MAKE) --no-print-directory bench-rust-10m,)
	python3 bench/report.py $(BENCH_PARTS)

# Seconds: the standard library and plain Node, no build.
test-bench: | node-toolchain
	python3 bench/scaling_svg.py --self-test
	$(NODE) --test --test-reporter=dot bench/js_lazy_heap.test.js
