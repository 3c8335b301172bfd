# Entry points for people and CI. Everything builds with CMake presets under build/.
PRESET ?= debug
BUILD_DIR = build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: all deps configure build demo test bench release clean

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

# Everything CI runs: unit, golden and end-to-end tests.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

release:
	$(MAKE) build PRESET=release

# CPU benchmarks of parsing, aggregation and the metrics page, on an optimized build.
bench:
	$(MAKE) build PRESET=release
	build/release/engagevoice_benchmarks

clean:
	rm -rf build .demo
