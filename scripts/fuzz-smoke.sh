#!/usr/bin/env bash
# Builds every libFuzzer target (tests/fuzz) into build-fuzz and runs each for FUZZ_SECONDS
# (default 5) on a scratch copy of its seed corpus, so new corpus files never land in the repo.
# Exits non-zero when any target finds something, naming the target and its crash file.
# Without clang++-14 or libFuzzer it prints "skipped" and exits 0 (`make test` stays usable);
# with --build-only (`make fuzz`) a missing compiler is an error and nothing runs.
#
#   FUZZ_SECONDS=600 make fuzz-smoke                     # every target, 10 minutes each
#   FUZZ_TARGETS="config_fuzz" FUZZ_SECONDS=3600 make fuzz-smoke
#
# docs/fuzzing.md has what each target checks and how to reproduce a finding.
set -euo pipefail
cd "$(dirname "$0")/.."

# target  seed directory (tests/fuzz/corpus/...)  extra libFuzzer flags
table=(
  "mqtt_decoder_fuzz  mqtt"
  "json_request_fuzz  json    -dict=tests/fuzz/json_request.dict"
  "http_query_fuzz    query"
  "http_request_fuzz  http"
  "client_frames_fuzz client"
  "store_record_fuzz  store"
  "history_token_fuzz history"
  "token_fuzz         token"
  "config_fuzz        config  -dict=tests/fuzz/config.dict"
)

build_only=0
[ "${1:-}" = "--build-only" ] && build_only=1
seconds=${FUZZ_SECONDS:-5}
build=${FUZZ_BUILD:-build-fuzz}
cxx=${FUZZ_CXX:-clang++-14}
jobs=${JOBS:-$(nproc)}

all=()
for row in "${table[@]}"; do read -r name _ <<<"$row"; all+=("$name"); done
read -r -a targets <<<"${FUZZ_TARGETS:-${all[*]}}"

skip() {
  if [ "$build_only" -eq 1 ]; then echo "fuzz: $1" >&2; exit 1; fi
  echo "fuzz-smoke: skipped ($1)"
  exit 0
}
command -v "$cxx" >/dev/null 2>&1 || skip "$cxx is not installed"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/runnel-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
printf '#include <cstddef>\n#include <cstdint>\nextern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n' \
  >"$scratch/probe.cpp"
"$cxx" -fsanitize=fuzzer "$scratch/probe.cpp" -o "$scratch/probe" >/dev/null 2>&1 ||
  skip "$cxx cannot link libFuzzer (-fsanitize=fuzzer); install libclang-rt-14-dev"

start=$(date +%s)
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRUNNEL_FUZZ=ON -DRUNNEL_TESTS=OFF -DRUNNEL_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]}"
echo "fuzz: built ${#targets[@]} targets in $(($(date +%s) - start)) s"
[ "$build_only" -eq 1 ] && exit 0

findings="$build/findings"
failed=()
for name in "${targets[@]}"; do
  row=""
  for r in "${table[@]}"; do read -r n _ <<<"$r"; [ "$n" = "$name" ] && row=$r; done
  [ -n "$row" ] || { echo "fuzz-smoke: unknown target $name" >&2; exit 2; }
  read -r _ seeds extra <<<"$row"
  work="$scratch/$name"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -r "tests/fuzz/corpus/$seeds/." "$work/corpus/"
  # shellcheck disable=SC2086 # extra is a list of flags
  if "$build/tests/fuzz/$name" "$work/corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$work/artifacts/" -print_final_stats=1 $extra >"$work/log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    cov=$(grep -o 'DONE *cov: [0-9]* ft: [0-9]*' "$work/log" | sed 's/DONE *//' || true)
    echo "fuzz-smoke: $name ok (${runs:-?} runs in ${seconds} s, ${cov:-no coverage line})"
  else
    failed+=("$name")
    mkdir -p "$findings"
    echo "fuzz-smoke: $name FOUND A PROBLEM; last lines of its log:" >&2
    tail -n 40 "$work/log" >&2
    for f in "$work/artifacts"/*; do
      [ -e "$f" ] || continue
      cp "$f" "$findings/$name-$(basename "$f")"
      echo "fuzz-smoke: $name crash input: $findings/$name-$(basename "$f")" >&2
      echo "  reproduce: $build/tests/fuzz/$name $findings/$name-$(basename "$f")" >&2
    done
  fi
done
echo "fuzz-smoke: ${#targets[@]} targets, ${seconds} s each, $(($(date +%s) - start)) s in all"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz-smoke: findings in ${failed[*]}" >&2
  exit 1
fi
