#!/usr/bin/env bash
# Command (2) of README.md: set up, build, and run the whole test suite through ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PDOOM_EXTRA_PACKAGES="chromium ${PDOOM_EXTRA_PACKAGES:-}" "$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j "$(nproc)" --timeout 900
