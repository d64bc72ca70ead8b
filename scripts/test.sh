#!/usr/bin/env bash
# Command (2) of README.md, what CI runs: set up, build, run the whole test suite through ctest; then
# the reliability stages of issue 9:
#   sanitizers  the suite under ASan + UBSan and the sampler/sensitivity tests under TSan
#               (scripts/sanitize.sh; PDOOM_SKIP_SANITIZERS=1 skips it);
#   fuzz        each libFuzzer target for PDOOM_FUZZ_SECONDS (default 60) seconds
#               (scripts/fuzz.sh; PDOOM_SKIP_FUZZ=1 skips it).
# CI runs every stage; the skips are for local use. Any failure, sanitizer report or fuzzer crash
# fails the script. The wall time of each stage is printed at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
skip_sanitizers="${PDOOM_SKIP_SANITIZERS:-0}"
skip_fuzz="${PDOOM_SKIP_FUZZ:-0}"
extra="chromium"
if [[ "$skip_fuzz" != 1 ]]; then extra+=" clang libclang-rt-14-dev"; fi
PDOOM_EXTRA_PACKAGES="$extra ${PDOOM_EXTRA_PACKAGES:-}" "$root/scripts/setup.sh"

timings=()
stage() {  # name command...
  local name="$1" start
  shift
  echo "test.sh: stage $name" >&2
  start=$(date +%s)
  "$@"
  timings+=("$name $(($(date +%s) - start)) s")
}
suite() {
  "$root/scripts/build.sh"
  (cd "$root/build" && ctest --output-on-failure -j "$(nproc)" --timeout 900)
}

total_start=$(date +%s)
stage "build+tests" suite
if [[ "$skip_sanitizers" != 1 ]]; then
  stage "asan+ubsan" "$root/scripts/sanitize.sh" address
  stage "tsan" "$root/scripts/sanitize.sh" thread
fi
if [[ "$skip_fuzz" != 1 ]]; then
  stage "fuzz" "$root/scripts/fuzz.sh" "${PDOOM_FUZZ_SECONDS:-60}"
fi
echo "test.sh: every stage passed; wall time:"
for timing in "${timings[@]}"; do echo "  $timing"; done
echo "  total $(($(date +%s) - total_start)) s"
