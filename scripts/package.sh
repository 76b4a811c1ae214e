#!/usr/bin/env bash
# Builds the Debian package build/package/rmq-upgrade_<version>_amd64.deb with CPack (binaries,
# man pages from --help, bash completion, docs and example inventories; Depends from
# dpkg-shlibdeps), then runs lintian on it when lintian is installed (fails on its errors).
# Run as root or as a user with sudo (used only for apt-get): bash scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
OUT_DIR="${OUT_DIR:-$BUILD_DIR/package}"
bash scripts/setup.sh
command -v help2man >/dev/null || { echo "package: help2man is needed for the man pages (scripts/setup.sh installs it)" >&2; exit 1; }
TARGETS="rmq-upgrade rmq-sim rmqup_man rmqup_changelog" bash scripts/build.sh
mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/rmq-upgrade_*.deb
out_abs="$(realpath "$OUT_DIR")"
(cd "$BUILD_DIR" && cpack -G DEB -B "$out_abs" >/dev/null)
debs=("$OUT_DIR"/rmq-upgrade_*_amd64.deb)
deb="${debs[0]}"
[ -f "$deb" ] || { echo "package: cpack made no .deb in $OUT_DIR" >&2; exit 1; }
echo "package: $deb"
dpkg-deb -f "$deb" Package Version Depends
if command -v lintian >/dev/null 2>&1; then
  # Errors fail the script; warnings are shown.
  lintian --fail-on error "$deb"
  echo "lintian: no errors"
else
  echo "lintian not installed: skipped (scripts/setup.sh installs it)"
fi
