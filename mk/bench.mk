# Benchmarks (issue 6): `make bench`, or `BENCH_QUICK=1 make bench` for the
# short run (sizes up to 100k). Results: target/bench/results.json and
# target/bench/report.md. Other languages append their JSON lines through
# BENCH_PARTS (see mk/python.mk, mk/node.mk).

BENCH_FLAGS := $(if $(filter-out 0,$(BENCH_QUICK)),--quick,)
BENCH_PARTS := target/bench/rust.jsonl

.PHONY: bench bench-rust
bench-rust:
	$(CARGO) build --release --locked -p chatlife-bench
	@mkdir -p target/bench
	target/release/chatlife-bench $(BENCH_FLAGS) --dump-churn target/bench/input
	target/release/chatlife-bench $(BENCH_FLAGS) | tee target/bench/rust.jsonl

bench: bench-rust
	python3 bench/report.py $(BENCH_PARTS)
