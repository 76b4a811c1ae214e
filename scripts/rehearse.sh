#!/usr/bin/env bash
# The main job on its embedded default: installs everything, builds, and runs a rehearsal rolling
# upgrade of a local simulated RocketMQ cluster under live traffic, printing the report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec ./build/src/rmq-upgrade rehearse "$@"
