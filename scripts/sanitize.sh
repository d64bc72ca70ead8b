#!/usr/bin/env bash
# Builds the test suite under sanitizers and runs it:
#   address+undefined: the whole unit-test suite and the CLI tests;
#   thread: the sampler and sensitivity tests (the multithreaded code).
# Usage: scripts/sanitize.sh [address|thread|all]   (default all)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
which="${1:-all}"
jobs="$(nproc)"
common=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPDOOM_BUILD_BENCHMARKS=OFF -DPDOOM_BUILD_EXAMPLES=OFF)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

if [[ "$which" == address || "$which" == all ]]; then
  flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  cmake -S "$root" -B "$root/build-asan" "${common[@]}" "${launcher[@]}" \
        -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
  cmake --build "$root/build-asan" -j "$jobs" --target pdoom_tests pdoom_cli
  (cd "$root/build-asan" &&
   ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
   ctest --output-on-failure -j "$jobs" --timeout 1800 -E "^(consumer|headers|link)\.")
fi

if [[ "$which" == thread || "$which" == all ]]; then
  cmake -S "$root" -B "$root/build-tsan" "${common[@]}" "${launcher[@]}" \
        -DCMAKE_CXX_FLAGS="-fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
  cmake --build "$root/build-tsan" -j "$jobs" --target pdoom_tests
  TSAN_OPTIONS=halt_on_error=1 "$root/build-tsan/tests/pdoom_tests" "[sample],[sensitivity]"
fi
