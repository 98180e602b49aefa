# The two commands (README): `make run` and `make test`. Both install missing Debian packages
# first (scripts/deps.sh is idempotent), then build with CMake + Ninja. `make test` ends with a
# short run of every fuzz target (scripts/fuzz-smoke.sh: FUZZ_SECONDS each, skipped without clang).
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: run test deps build certs clean fuzz fuzz-smoke

run: deps build certs
	@echo "runnel: MQTT 127.0.0.1:1883, MQTT/TLS 127.0.0.1:8883 (CA: dev-certs/ca.pem), admin http://127.0.0.1:9090/metrics"
	./$(BUILD)/src/runnel serve --config config/runnel.yaml

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)
	@JOBS=$(JOBS) bash scripts/fuzz-smoke.sh

deps:
	@bash scripts/deps.sh

build:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

certs:
	@bash scripts/dev-cert.sh dev-certs

# Every libFuzzer target into build-fuzz (clang++-14; the list is in scripts/fuzz-smoke.sh).
fuzz: deps
	@JOBS=$(JOBS) bash scripts/fuzz-smoke.sh --build-only

# Builds, then runs every target for FUZZ_SECONDS (default 5; FUZZ_TARGETS picks some).
fuzz-smoke: deps
	@JOBS=$(JOBS) bash scripts/fuzz-smoke.sh

clean:
	rm -rf $(BUILD) build-fuzz
