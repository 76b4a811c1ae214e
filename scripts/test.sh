#!/usr/bin/env bash
# The whole test suite: installs missing packages, builds, runs every unit and integration test
# (each bounded in time; the suite stays under 10 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh "$@"
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j 2 --timeout 300
