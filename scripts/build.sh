#!/usr/bin/env bash
# Configures and builds into build/ (2 parallel jobs: the machines have 2 cores).
#   TARGETS="rmq-upgrade rmq-sim" scripts/build.sh    only those targets (default: everything)
#   BUILD_DIR=build-asan scripts/build.sh -DRMQUP_SANITIZE=ON   extra arguments go to cmake's configure
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" ${CI:+-DRMQUP_WERROR=ON} "$@" >/dev/null
target_args=()
for t in ${TARGETS:-}; do target_args+=(--target "$t"); done
cmake --build "$BUILD_DIR" -j "${JOBS:-2}" "${target_args[@]}"
