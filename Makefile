# Entry points for people and CI. Everything builds with CMake presets under build/.
PRESET ?= debug
BUILD_DIR = build/$(PRESET)
JOBS ?= $(shell nproc)

# Seconds each fuzzer runs in `make test` and `make fuzz`.
FUZZ_SECONDS ?= 15

.PHONY: all deps configure build demo test test-sanitize fuzz bench release clean

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

# Everything CI runs: unit, golden and end-to-end tests on a debug build, the same suite under
# AddressSanitizer and UndefinedBehaviorSanitizer, then each fuzzer for a short while.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
	$(MAKE) test-sanitize
	$(MAKE) fuzz

# The whole suite on the sanitize preset; any sanitizer report fails it, even from a process
# an end-to-end script started (scripts/ctest-sanitized).
test-sanitize:
	$(MAKE) build PRESET=sanitize
	./scripts/ctest-sanitized build/sanitize -j $(JOBS)

# The libFuzzer targets (clang) over their corpus in fuzz/corpus, FUZZ_SECONDS each.
fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	./fuzz/run-fuzzers --build-dir build/fuzz --time $(FUZZ_SECONDS) --jobs $(JOBS)

release:
	$(MAKE) build PRESET=release

# CPU benchmarks of parsing, aggregation and the metrics page, on an optimized build.
bench:
	$(MAKE) build PRESET=release
	build/release/engagevoice_benchmarks

clean:
	rm -rf build .demo
