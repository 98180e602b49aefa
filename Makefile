# The two commands (README): `make run` and `make test`. Both install missing Debian packages
# first (scripts/deps.sh is idempotent), then build with CMake + Ninja.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: run test deps build certs clean fuzz

run: deps build certs
	@echo "runnel: MQTT 127.0.0.1:1883, MQTT/TLS 127.0.0.1:8883 (CA: dev-certs/ca.pem), admin http://127.0.0.1:9090/metrics"
	./$(BUILD)/src/runnel serve --config config/runnel.yaml

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

deps:
	@bash scripts/deps.sh

build:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

certs:
	@bash scripts/dev-cert.sh dev-certs

fuzz: deps
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DRUNNEL_FUZZ=ON -DRUNNEL_TESTS=OFF -DRUNNEL_BENCH=OFF
	cmake --build build-fuzz --target mqtt_decoder_fuzz json_request_fuzz http_query_fuzz client_frames_fuzz store_record_fuzz history_token_fuzz token_fuzz

clean:
	rm -rf $(BUILD) build-fuzz
