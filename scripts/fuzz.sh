#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang with ASan + UBSan) in build-fuzz and runs each for a bounded
# time, both at once when there are two cores or more. Seeds: the model fuzzer gets models/, tests/data/bad
# and tests/data/good; the expression fuzzer gets fuzz/corpus/expression plus every expr/dist string of
# those models. The corpora that grow are copies in build-fuzz (fresh each run), never the sources.
# Prints each target's libFuzzer summary (executions, exec/s, cov, ft, corpus). Any crash, leak, UB
# report, timeout or out-of-memory fails the script and leaves its input in build-fuzz/crashes/: turn
# it into a regression test (tests/data/bad or a unit test) and fix it.
# Usage: [PDOOM_FUZZ_SEED=N] scripts/fuzz.sh [seconds per target]   (default 60; seed 1, 0 = random)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
# A fixed seed by default, so that CI explores the same mutations each time (a time bound still lets a
# faster machine go further); PDOOM_FUZZ_SEED=0 asks libFuzzer for a random seed, for exploratory runs.
seed="${PDOOM_FUZZ_SEED:-1}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [seconds per target]" >&2
  exit 2
fi
PDOOM_EXTRA_PACKAGES="clang libclang-rt-14-dev" "$root/scripts/setup.sh"
out="$root/build-fuzz"
start=$(date +%s)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
CXX=clang++ cmake -S "$root/fuzz" -B "$out" "${launcher[@]}" >/dev/null
cmake --build "$out" -j "$(nproc)"
built=$(date +%s)

targets=(expression distribution model)
rm -rf "$out/crashes" "${targets[@]/#/$out/corpus-}"
mkdir -p "$out/crashes" "${targets[@]/#/$out/corpus-}"
seeds=("$root"/models/*.toml "$root"/tests/data/bad/*.toml "$root"/tests/data/good/*.toml)
cp "${seeds[@]}" "$out/corpus-model/"
cp "$root"/fuzz/corpus/expression/* "$out/corpus-expression/"
# One file per distinct expr = "..." / dist = "..." string of the seed models.
sed -nE 's/^[[:space:]]*(expr|dist)[[:space:]]*=[[:space:]]*"(([^"\\]|\\.)*)".*$/\2/p' "${seeds[@]}" | sort -u |
  while IFS= read -r expression; do
    printf '%s' "$expression" >"$out/corpus-expression/model-$(printf '%s' "$expression" | md5sum | cut -c1-16)"
  done
cp "$out"/corpus-expression/* "$root"/fuzz/corpus/distribution/* "$out/corpus-distribution/"
echo "fuzz: seeds: $(ls "$out/corpus-model" | wc -l) models, $(ls "$out/corpus-expression" | wc -l) expressions"

fuzz() {  # target
  local dict="$root/fuzz/$1.dict"
  [[ -e "$dict" ]] || dict="$root/fuzz/expression.dict"
  "$out/fuzz_$1" -seed="$seed" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -dict="$dict" \
    -artifact_prefix="$out/crashes/$1-" -print_final_stats=1 "$out/corpus-$1" >"$out/fuzz-$1.log" 2>&1
}
# As many targets at once as there are cores.
declare -A status target_of
running=0
for target in "${targets[@]}"; do
  if [[ $running -ge $(nproc) ]]; then
    wait -n -p done_pid && status[${target_of[$done_pid]}]=0 || status[${target_of[$done_pid]}]=$?
    running=$((running - 1))
  fi
  fuzz "$target" &
  target_of[$!]=$target
  running=$((running + 1))
done
while [[ $running -gt 0 ]]; do
  wait -n -p done_pid && status[${target_of[$done_pid]}]=0 || status[${target_of[$done_pid]}]=$?
  running=$((running - 1))
done

failed=0
for target in "${targets[@]}"; do
  log="$out/fuzz-$target.log"
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
  [[ -n "$done_line" ]] || done_line="$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)"
  echo "fuzz: $target: $done_line"
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" |
    sed "s/^/fuzz: $target: /" || true
  if [[ ${status[$target]} -ne 0 ]]; then
    failed=1
    echo "fuzz: $target FAILED (exit ${status[$target]}); the end of $log:" >&2
    grep -v '# Uses: ' "$log" | tail -60 >&2
    for crash in "$out"/crashes/"$target"-*; do
      [[ -e "$crash" ]] && echo "fuzz: reproduce with: $out/fuzz_$target $crash" >&2
    done
  fi
done
echo "fuzz: build $((built - start)) s, fuzzing $(($(date +%s) - built)) s"
exit $failed
