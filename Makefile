# Entry points for people and CI. Everything builds with CMake presets under build/.
PRESET ?= debug
BUILD_DIR = build/$(PRESET)
JOBS ?= $(shell nproc)

# Seconds each fuzzer runs in `make test` and `make fuzz`.
FUZZ_SECONDS ?= 15

.PHONY: all deps configure build demo test test-stages test-sanitize fuzz bench release clean
.PHONY: ctest-debug build-sanitize ctest-sanitize build-fuzz fuzz-after-sanitize

all: build

deps:
	./scripts/install-deps

configure: deps
	cmake --preset $(PRESET) >/dev/null

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Runs the mock API and the exporter polling it over HTTPS, and prints the URL to open.
demo: build
	./scripts/demo $(BUILD_DIR)

# Everything CI runs, in three stages with their own build directories: the suite on a debug
# build, the same suite under AddressSanitizer and UndefinedBehaviorSanitizer, then each fuzzer
# for FUZZ_SECONDS. The tests of a stage, which mostly wait on end-to-end scripts, run while the
# next stage builds; each step's output is printed whole when it ends.
test: build
	$(MAKE) --no-print-directory --output-sync=target -j 2 test-stages

test-stages: ctest-debug ctest-sanitize fuzz-after-sanitize

# The whole suite on the sanitize preset alone.
test-sanitize: ctest-sanitize

# The libFuzzer targets (clang) over their corpus in fuzz/corpus, FUZZ_SECONDS each.
fuzz: build-fuzz
	$(RUN_FUZZERS)

RUN_FUZZERS = ./fuzz/run-fuzzers --build-dir build/fuzz --time $(FUZZ_SECONDS) --jobs $(JOBS)

ctest-debug:
	ctest --test-dir build/debug --output-on-failure -j $(JOBS)

build-sanitize:
	$(MAKE) --no-print-directory build PRESET=sanitize

# Any sanitizer report fails the suite, even from a process an end-to-end script started.
ctest-sanitize: build-sanitize
	./scripts/ctest-sanitized build/sanitize -j $(JOBS)

# After the sanitize build, so that the two builds do not share the cores.
build-fuzz: deps $(if $(filter test-stages,$(MAKECMDGOALS)),build-sanitize)
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

fuzz-after-sanitize: build-fuzz ctest-sanitize
	$(RUN_FUZZERS)

release:
	$(MAKE) build PRESET=release

# CPU benchmarks of parsing, aggregation and the metrics page, on an optimized build.
bench:
	$(MAKE) build PRESET=release
	build/release/engagevoice_benchmarks

clean:
	rm -rf build .demo
