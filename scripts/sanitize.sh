#!/usr/bin/env bash
# Builds the test suite under sanitizers (g++, its own build directories) and runs it:
#   address: AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer (+ libstdc++ assertions) in
#            build-asan, the whole ctest suite except the slow consumer.*, headers.*, link.* (builds
#            of other projects and compile-only checks) and report.screenshot (Chromium) tests;
#   thread:  ThreadSanitizer in build-tsan, the [sample] and [sensitivity] tests (the multithreaded
#            sampler, block loop and sensitivity analysis, with their CLI commands).
# Any sanitizer report fails the run: -fno-sanitize-recover=all, halt_on_error=1.
# Usage: scripts/sanitize.sh [address|thread|all]   (default all)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
which="${1:-all}"
case "$which" in address | thread | all) ;; *)
  echo "usage: scripts/sanitize.sh [address|thread|all]" >&2
  exit 2
  ;;
esac
jobs="$(nproc)"
# -O1 keeps the instrumented build fast to compile and the reports exact; -g1 gives file:line in
# stack traces at a fraction of -g's cost. No NDEBUG: assertions stay on.
common=(-DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1 -fno-omit-frame-pointer"
        -DPDOOM_BUILD_BENCHMARKS=OFF -DPDOOM_BUILD_EXAMPLES=OFF)
if command -v ccache >/dev/null; then common+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
seconds() { date +%s; }

if [[ "$which" == address || "$which" == all ]]; then
  start=$(seconds)
  flags="-fsanitize=address,undefined -fno-sanitize-recover=all -D_GLIBCXX_ASSERTIONS"
  cmake -S "$root" -B "$root/build-asan" "${common[@]}" \
        -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
  cmake --build "$root/build-asan" -j "$jobs" --target pdoom_tests pdoom_cli
  built=$(seconds)
  # allocator_may_return_null: a malloc beyond ASan's 1 TiB limit returns null as in a normal build (the
  # library turns that into "not enough memory" errors, tested) instead of aborting.
  (cd "$root/build-asan" &&
   ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:allocator_may_return_null=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
   ctest --output-on-failure -j "$jobs" --timeout 1800 -E "^(consumer|headers|link|report)\.")
  echo "sanitize: address+undefined: build $((built - start)) s, tests $(($(seconds) - built)) s"
fi

if [[ "$which" == thread || "$which" == all ]]; then
  start=$(seconds)
  cmake -S "$root" -B "$root/build-tsan" "${common[@]}" \
        -DCMAKE_CXX_FLAGS="-fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
  cmake --build "$root/build-tsan" -j "$jobs" --target pdoom_tests pdoom_cli
  built=$(seconds)
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:allocator_may_return_null=1 \
    "$root/build-tsan/tests/pdoom_tests" "[sample],[sensitivity]"
  echo "sanitize: thread: build $((built - start)) s, tests $(($(seconds) - built)) s"
fi
