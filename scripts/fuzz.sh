#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time (default 60 s),
# seeded with models/, the malformed files of tests/ and fuzz/corpus/.
# A crash leaves its input in build-fuzz/crashes/ and fails the script: turn it into a regression test.
# Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
PDOOM_EXTRA_PACKAGES="clang libclang-rt-14-dev" "$root/scripts/setup.sh"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
CXX=clang++ cmake -S "$root/fuzz" -B "$root/build-fuzz" "${launcher[@]}" >/dev/null
cmake --build "$root/build-fuzz" -j "$(nproc)"
out="$root/build-fuzz"
mkdir -p "$out/crashes" "$out/corpus-expression" "$out/corpus-model"
cp "$root"/fuzz/corpus/expression/* "$out/corpus-expression/"
cp "$root"/models/*.toml "$root"/tests/data/*/*.toml "$out/corpus-model/" 2>/dev/null || true
status=0
for target in expression model; do
  echo "fuzz: $target for ${seconds}s"
  "$out/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$out/crashes/$target-" -print_final_stats=1 "$out/corpus-$target" \
      2>"$out/fuzz-$target.log" || status=1
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)" "$out/fuzz-$target.log" || true
  grep -E "cov: [0-9]+" "$out/fuzz-$target.log" | tail -1 || true
  if [[ $status -ne 0 ]]; then tail -50 "$out/fuzz-$target.log"; fi
done
exit $status
