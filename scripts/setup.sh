#!/usr/bin/env bash
# Installs everything rmq-upgrade needs from Debian packages (idempotent, non-interactive).
# Usage: bash scripts/setup.sh   (as root, or as a user who may use sudo: only apt-get runs as root)
set -euo pipefail

# as_root CMD...: runs CMD as root: directly when root, else through sudo when it exists, else fails
# saying what to do (a fresh Debian as root has no sudo; a user without sudo cannot install).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "setup: installing packages needs root: run this as root, or install sudo and allow your user to use it" >&2
        return 1
    fi
}

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
