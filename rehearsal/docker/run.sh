#!/bin/sh
# Runs the CI rehearsal: builds the images, starts the cluster at OLD_VERSION, upgrades it to
# NEW_VERSION under traffic, and exits with the orchestrator's verdict. Results in ./out.
#   OLD_VERSION=4.9.7 NEW_VERSION=5.3.1 rehearsal/docker/run.sh
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
export OLD_VERSION="${OLD_VERSION:-4.8.0}"
export NEW_VERSION="${NEW_VERSION:-4.9.7}"
export REHEARSAL_OUT="${REHEARSAL_OUT:-$here/out}"
mkdir -p "$REHEARSAL_OUT"
# A fresh run: the client and the orchestrator coordinate through files in this folder.
for f in load-seconds load.started load.json load.json.part roll.done verdict.txt plan.json; do
  rm -f "$REHEARSAL_OUT/$f"
done
rm -rf "$REHEARSAL_OUT/journal"
# The host images run RocketMQ as uid 3000; the tools containers write here as root.
chmod 0777 "$REHEARSAL_OUT"

if docker compose version >/dev/null 2>&1; then
  compose() { docker compose -f "$here/docker-compose.yml" -p rmqup-rehearsal "$@"; }
else
  compose() { docker-compose -f "$here/docker-compose.yml" -p rmqup-rehearsal "$@"; }
fi

# shellcheck disable=SC2317  # called by the trap
cleanup() { compose down -v --remove-orphans >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

echo "rehearsal: RocketMQ $OLD_VERSION -> $NEW_VERSION, results in $REHEARSAL_OUT"
compose build
rc=0
compose up --abort-on-container-exit --exit-code-from orchestrator || rc=$?
compose logs --no-color > "$REHEARSAL_OUT/compose.log" 2>&1 || true
if [ -f "$REHEARSAL_OUT/verdict.txt" ]; then cat "$REHEARSAL_OUT/verdict.txt"; fi
exit "$rc"
