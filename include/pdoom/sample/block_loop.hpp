#pragma once
// The parallel loop under every sampler run: threads take block indices from a shared counter and
// compute them concurrently; results are committed strictly in block order. Committing in order is
// what makes floating-point reductions (and so every reported number) independent of the number of
// threads and of the scheduling.

#include <cstddef>
#include <cstdint>
#include <functional>

namespace pdoom {

/// What a block loop does with each block.
struct BlockLoopTasks {
  /// Computes block `block` into the caller's storage for `slot` (in [0, window)). Runs concurrently
  /// on several threads (`worker` in [0, threads) identifies the thread, e.g. for its scratch memory);
  /// no two calls in flight share a slot. May throw: see for_each_block_ordered.
  std::function<void(std::uint64_t block, std::size_t slot, std::size_t worker)> process;
  /// Consumes slot `slot` holding block `block`. Called for blocks 0, 1, 2, ... in that order, one at
  /// a time (never concurrently with another commit), possibly on any worker thread.
  std::function<void(std::uint64_t block, std::size_t slot)> commit;
  /// Polled before the first block and after every commit (serially, like commit); once it returns
  /// true no new block is started, while every block already started is still processed and
  /// committed, so that the committed blocks always form a prefix 0 .. k-1. May be empty.
  std::function<bool()> should_stop;
};

/// Runs `tasks` over blocks [0, blocks) on `threads` threads (the calling thread is one of them) with
/// `window` slots of result storage: block b is computed only once every block before b - window + 1
/// has been committed, so at most `window` uncommitted results exist at a time.
/// If process throws for some blocks, blocks after the first failing one are abandoned, every block
/// before it is still computed and committed, and the exception of the lowest failing block is
/// rethrown once all threads have stopped: the error reported does not depend on the scheduling.
/// If commit throws, the loop is abandoned and that exception rethrown.
/// @returns the number of blocks committed (a prefix 0 .. k-1): `blocks` unless stopped.
/// @throws Error if threads or window is 0 or a task is missing; whatever process or commit threw.
std::uint64_t for_each_block_ordered(std::uint64_t blocks, unsigned threads, std::size_t window,
                                     const BlockLoopTasks& tasks);

/// The number of threads `requested` means: itself when positive, else the hardware's concurrency (>= 1).
[[nodiscard]] unsigned resolve_thread_count(unsigned requested) noexcept;

}  // namespace pdoom
