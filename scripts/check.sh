#!/usr/bin/env bash
# Static and dynamic checks beyond the test suite:
#   1. clang-tidy (.clang-tidy's curated checks) over every source file of src/ and sim/, using the
#      compile commands of the ordinary build (build/, configured here if needed);
#   2. every unit suite built and run under AddressSanitizer + UndefinedBehaviorSanitizer
#      (-DRMQUP_SANITIZE=ON in build-asan/, separate from build/);
#   3. the engine's unit suite under ThreadSanitizer (build-tsan/): a wave's nodes run on threads.
# Fails when clang-tidy reports anything or a sanitized unit test fails.
#   SKIP_TIDY=1 / SKIP_ASAN=1 / SKIP_TSAN=1 skip a part; JOBS (default 2) sets the parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-2}"
status=0

if [ -z "${SKIP_TIDY:-}" ]; then
  command -v clang-tidy >/dev/null || { echo "check: clang-tidy is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
  cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  mapfile -t sources < <(git ls-files 'src/*.cpp' 'sim/*.cpp' 2>/dev/null || find src sim -name '*.cpp')
  echo "check: clang-tidy on ${#sources[@]} files ($JOBS at a time)"
  log="$(mktemp)"
  # -quiet: only findings; each file's output is kept together.
  # shellcheck disable=SC2016  # $0 and $out belong to the inner sh
  printf '%s\n' "${sources[@]}" |
    xargs -P "$JOBS" -n 1 sh -c 'out=$(clang-tidy -quiet -p build "$0" 2>/dev/null); [ -z "$out" ] || printf "%s\n" "$out"' >"$log" || true
  findings="$(grep -c ': warning: \|: error: ' "$log" || true)"
  if [ "$findings" -gt 0 ]; then
    cat "$log"
    echo "check: clang-tidy: $findings finding(s)"
    status=1
  else
    echo "check: clang-tidy: clean"
  fi
  rm -f "$log"
fi

if [ -z "${SKIP_ASAN:-}" ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRMQUP_SANITIZE=ON -DRMQUP_BENCH=OFF >/dev/null
  # Every unit suite: one test_unit_<area> target per folder of tests/unit holding a .cpp (the rule of
  # tests/CMakeLists.txt), so a new folder is covered without editing this script, whatever the generator.
  suites=()
  for d in tests/unit/*/; do
    if compgen -G "${d}*.cpp" >/dev/null; then suites+=("test_unit_$(basename "$d")"); fi
  done
  [ "${#suites[@]}" -gt 0 ] || { echo "check: found no unit suites under tests/unit" >&2; exit 1; }
  echo "check: ASan+UBSan build of ${suites[*]}"
  target_args=()
  for t in "${suites[@]}"; do target_args+=(--target "$t"); done
  cmake --build build-asan -j "$JOBS" "${target_args[@]}"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  if ctest --test-dir build-asan -L unit -j "$JOBS" --timeout 300 --output-on-failure; then
    echo "check: ASan+UBSan unit suites: passed"
  else
    echo "check: ASan+UBSan unit suites: FAILED"
    status=1
  fi
fi
if [ -z "${SKIP_TSAN:-}" ]; then
  tsan=-fsanitize=thread
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRMQUP_BENCH=OFF -DCMAKE_CXX_FLAGS="$tsan" \
    -DCMAKE_EXE_LINKER_FLAGS="$tsan" -DCMAKE_SHARED_LINKER_FLAGS="$tsan" >/dev/null
  cmake --build build-tsan -j "$JOBS" --target test_unit_engine
  # The parallel-wave tests five times (thread interleavings vary), then the whole suite once.
  if TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}" build-tsan/tests/test_unit_engine \
       --gtest_filter='ParallelWaves*:Gates*:Progress*:ManualClock*' --gtest_repeat=5 >/dev/null &&
     TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}" build-tsan/tests/test_unit_engine >/dev/null; then
    echo "check: TSan engine unit suite: passed"
  else
    echo "check: TSan engine unit suite: FAILED (run build-tsan/tests/test_unit_engine for the report)"
    status=1
  fi
fi
exit "$status"
