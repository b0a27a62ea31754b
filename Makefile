# Thin wrapper over CMake + Ninja, as DuckDB and Kuzu do.
# Every target that needs packages runs scripts/install-deps first.
.PHONY: all release debug tsan test crash-soak fuzz-smoke format format-check tidy bench bench-compare run deps clean

JOBS ?= $(shell nproc)
# Lets a clone in another folder (CI) reuse this machine's compiler cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
FUZZ_SECONDS ?= 30
GEN := -G Ninja
RELEASE_DIR := build/release
DEBUG_DIR := build/debug
TSAN_DIR := build/tsan
FUZZ_DIR := build/fuzz

all: release

deps:
	@scripts/install-deps

release: deps
	@cmake -S . -B $(RELEASE_DIR) $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(RELEASE_DIR) -j $(JOBS)

debug: deps
	@cmake -S . -B $(DEBUG_DIR) $(GEN) -DCMAKE_BUILD_TYPE=Debug -DTRIBUTARY_SANITIZE=address -DTRIBUTARY_BENCH=OFF >/dev/null
	@cmake --build $(DEBUG_DIR) -j $(JOBS)

# Builds with ThreadSanitizer and runs the concurrency tests (label "concurrency").
tsan: deps
	@cmake -S . -B $(TSAN_DIR) $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRIBUTARY_SANITIZE=thread -DTRIBUTARY_BENCH=OFF >/dev/null
	@cmake --build $(TSAN_DIR) -j $(JOBS)
	@cd $(TSAN_DIR) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest -L concurrency --output-on-failure

# Every test: the formatting check (make format must leave the tree
# unchanged), unit, concurrency, property-based, logic, end-to-end (driver,
# console, TCK), the bench-compare smoke, then the fuzz smokes.
test: release
	@$(MAKE) --no-print-directory format-check
	@cd $(RELEASE_DIR) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory fuzz-smoke

# The SIGKILL crash test with 200 rounds instead of make test's 30 (~10 min).
crash-soak: release
	@CRASH_ROUNDS=200 tests/crash/run-crash-test.sh $(RELEASE_DIR)/src/main/tributary \
	  $(RELEASE_DIR)/tests/crash/crash_loadgen $(RELEASE_DIR)/tests/crash/crash_check

# Builds the libFuzzer target with clang and fuzzes the parser for FUZZ_SECONDS.
fuzz-smoke: deps
	@CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_DIR) $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRIBUTARY_FUZZ=ON -DTRIBUTARY_BENCH=OFF >/dev/null
	@cmake --build $(FUZZ_DIR) --target parser_fuzz bolt_fuzz -j $(JOBS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run-smoke.sh $(FUZZ_DIR)

bench: release
	@for b in $(RELEASE_DIR)/bench/*/bench_*; do [ -x "$$b" ] && echo "== $$b" && "$$b"; done

# Tributary against Kuzu, PostgreSQL and raw librdkafka on the same data
# (bench/README.md, "Peers"): writes bench/results/<date>-<commit>.md with
# PNG charts, about 6 minutes on a quiet machine. SMOKE=1: tiny data in seconds, report in a
# temp folder (also ctest's bench_compare_smoke, part of `make test`).
# BENCH_COMPARE_ARGS passes flags to bench/compare/run.py (--nodes, --edges,
# --seconds, --runs, --skip ...); BENCH_COMPARE_DIR is the build folder.
BENCH_COMPARE_DIR ?= $(RELEASE_DIR)
bench-compare: deps
	@cmake -S . -B $(BENCH_COMPARE_DIR) $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BENCH_COMPARE_DIR) --target tributary bench_compare_bolt bench_ingest -j $(JOBS)
	@/usr/bin/python3 bench/compare/run.py $(if $(SMOKE),--smoke) \
	  --tributary $(BENCH_COMPARE_DIR)/src/main/tributary \
	  --loadgen $(BENCH_COMPARE_DIR)/bench/compare/bench_compare_bolt \
	  --ingest $(BENCH_COMPARE_DIR)/bench/ingest/bench_ingest $(BENCH_COMPARE_ARGS)

# The documented walkthrough (see README): server, dev broker, console.
run: release
	@scripts/run-walkthrough $(RELEASE_DIR)/src/main/tributary

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check: deps
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

tidy: release
	@git ls-files 'src/*.cpp' | xargs clang-tidy -p $(RELEASE_DIR) --quiet

clean:
	@rm -rf build
