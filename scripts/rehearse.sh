#!/usr/bin/env bash
# The main job on its embedded default: installs the packages, builds only what the demo runs
# (rmq-upgrade and rmq-sim, not the tests), and runs a rehearsal rolling upgrade of a local simulated
# RocketMQ cluster under live traffic, printing the report. Arguments go to `rmq-upgrade rehearse`.
# Run as root or as a user with sudo (used only for apt-get): bash scripts/rehearse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
TARGETS="rmq-upgrade rmq-sim" bash scripts/build.sh
exec "./${BUILD_DIR:-build}/src/rmq-upgrade" rehearse "$@"
