#!/usr/bin/env bash
# Configures and builds rmq-upgrade and rmq-sim into build/ (2 parallel jobs: the machines have 2 cores).
# Extra arguments go to cmake's configure step, e.g. scripts/build.sh -DRMQUP_SANITIZE=ON
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" ${CI:+-DRMQUP_WERROR=ON} "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-2}"
