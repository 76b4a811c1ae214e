#!/usr/bin/env bash
# Installs everything rmq-upgrade needs from Debian packages (idempotent, non-interactive).
# Usage: bash scripts/setup.sh   (as root, or as a user who may use sudo: only apt-get runs as root)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
  build-essential cmake pkg-config git
  libboost-dev libboost-system-dev
  libssl-dev zlib1g-dev
  libssh2-1-dev
  libspdlog-dev libfmt-dev
  nlohmann-json3-dev
  libyaml-cpp-dev
  libcli11-dev
  libgtest-dev libgmock-dev googletest
  openssh-server openssh-client
  procps iproute2 python3
  docker-compose shellcheck
  clang libclang-rt-14-dev clang-tidy
  help2man lintian file dpkg-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
