#!/usr/bin/env bash
# Installs everything rmq-upgrade needs from Debian packages (idempotent, non-interactive).
# Usage: scripts/setup.sh            (as root, or with sudo available)
set -euo pipefail

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
  clang libclang-rt-14-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
