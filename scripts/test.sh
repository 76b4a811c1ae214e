#!/usr/bin/env bash
# The whole test suite: installs missing packages, builds everything, runs every unit and
# integration test (each bounded in time). Extra arguments go to cmake's configure step.
# Run as root or as a user with sudo (used only for apt-get): bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh "$@"
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j 2 --timeout 300
