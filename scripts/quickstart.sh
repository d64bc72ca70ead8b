#!/usr/bin/env bash
# Command (1) of README.md: set up, build, and run the flagship estimate.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
"$root/build/src/cli/pdoom" run "$root/models/alignment-bottleneck.toml" --html "$root/build/alignment-bottleneck.html"
echo "HTML report: $root/build/alignment-bottleneck.html"
