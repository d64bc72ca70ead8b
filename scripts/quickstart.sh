#!/usr/bin/env bash
# Command (1) of README.md: set up, build, run the flagship estimate and write its HTML report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
pdoom="$root/build/src/cli/pdoom"
model="$root/models/alignment-bottleneck.toml"
"$pdoom" run "$model" --samples 1000000 --html "$root/build/alignment-bottleneck.html"
echo "HTML report: $root/build/alignment-bottleneck.html"
