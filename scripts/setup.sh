#!/usr/bin/env bash
# Installs the Debian packages pdoom needs that are not installed yet.
# Idempotent and quick when everything is present; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(cmake make g++ libeigen3-dev libboost-dev libpcg-cpp-dev libfmt-dev catch2
          libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libbenchmark-dev)
# Extra packages for particular jobs: PDOOM_EXTRA_PACKAGES="chromium clang" scripts/setup.sh
if [[ -n "${PDOOM_EXTRA_PACKAGES:-}" ]]; then
  read -r -a extra <<<"${PDOOM_EXTRA_PACKAGES}"
  packages+=("${extra[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then as_root=(sudo); else
    echo "setup: missing packages (${missing[*]}) and not root; install them and retry" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# Without a fresh package list, apt-get install exits 0 on a new machine and installs nothing.
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
for p in "${missing[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    { echo "setup: package $p did not install" >&2; exit 1; }
done
